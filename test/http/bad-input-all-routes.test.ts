// A matrix of bad requests against every route that test/http/routes/groups/bad-input.test.ts does
// not cover: tenants, users, the audit log, the group batch, and the If-Match / Idempotency-Key /
// API-Version headers. Each gets the right 4xx in the error envelope, names the bad field, leaves
// the table exactly as it was, and never turns into a 5xx or leaks a stack trace.
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import t, { type Test } from 'tap'
import { BATCH_BODY_LIMIT_BYTES } from '../../src/resources/groups.js'
import { buildTestApp } from '../helpers/app.js'
import { type ExpectedError, expectError, STACK_TRACE } from '../helpers/expect.js'
import { scanTable } from '../helpers/table.js'

type Client = (options: InjectOptions) => Promise<LightMyRequestResponse>

const BODY_LIMIT_BYTES = 1_048_576

type Case = [what: string, request: InjectOptions, expected: ExpectedError]

const invalid = (...fields: string[]): ExpectedError => ({ status: 400, code: 'VALIDATION_ERROR', fields })
const UNSUPPORTED: ExpectedError = { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' }
const TOO_LARGE: ExpectedError = { status: 413, code: 'PAYLOAD_TOO_LARGE' }
const STALE: ExpectedError = { status: 412, code: 'PRECONDITION_FAILED' }

/** A JSON body of exactly `bytes` bytes with the given fields and a padded `name`. */
function bodyOfSize(bytes: number, fields: Record<string, unknown>): string {
  const empty = JSON.stringify({ ...fields, name: '' })
  return JSON.stringify({ ...fields, name: 'x'.repeat(bytes - empty.length) })
}

/** The cases every JSON body route shares: not JSON, not an object, not JSON at all, too large. */
function bodyCases(
  method: 'POST' | 'PATCH',
  url: string,
  valid: Record<string, unknown>,
  limit = BODY_LIMIT_BYTES,
) {
  const raw = (payload: string, contentType = 'application/json'): InjectOptions => ({
    method,
    url,
    payload,
    headers: { 'content-type': contentType },
  })
  const cases: Case[] = [
    [`${method} ${url} malformed JSON`, raw('{"name":'), invalid('body')],
    [`${method} ${url} an empty body`, raw(''), invalid('body')],
    [`${method} ${url} a JSON array`, raw('[]'), invalid('body')],
    [`${method} ${url} a JSON string`, raw('"x"'), invalid('body')],
    [`${method} ${url} null`, raw('null'), invalid('body')],
    [`${method} ${url} text/plain`, raw(JSON.stringify(valid), 'text/plain'), UNSUPPORTED],
    [`${method} ${url} application/xml`, raw('<name>x</name>', 'application/xml'), UNSUPPORTED],
    [`${method} ${url} a form`, raw('name=x', 'application/x-www-form-urlencoded'), UNSUPPORTED],
    [`${method} ${url} a body over the limit`, raw(bodyOfSize(limit + 1, valid)), TOO_LARGE],
  ]
  return cases
}

t.test('bad input to every route outside the group CRUD matrix', async (t) => {
  const { app, token, document, tableName } = await buildTestApp(t)
  const seen: { what: string; response: LightMyRequestResponse }[] = []
  const clientOf = (bearer: string): Client => {
    const authorization = `Bearer ${bearer}`
    return async (options) => {
      const response = await app.inject({ ...options, headers: { authorization, ...options.headers } })
      seen.push({ what: `${options.method} ${String(options.url)}`, response })
      return response
    }
  }
  const root = clientOf(token('platform', 'root', ['platform_admin']))
  const alice = clientOf(token('acme', 'alice', ['tenant_admin']))

  t.equal(
    (
      await root({
        method: 'POST',
        url: '/v2/tenants',
        payload: { id: 'acme', name: 'Acme', tier: 'standard' },
      })
    ).statusCode,
    201,
    'acme onboarded',
  )
  for (const id of ['alice', 'bob']) {
    const created = await alice({
      method: 'POST',
      url: '/v2/users',
      payload: {
        id,
        email: `${id}@acme.example`,
        name: id,
        roles: id === 'alice' ? ['tenant_admin'] : ['member'],
      },
    })
    t.equal(created.statusCode, 201, `user ${id} created`)
  }
  const group = await alice({
    method: 'POST',
    url: '/v2/groups',
    payload: { name: 'alpha', groupType: 'team' },
  })
  t.equal(group.statusCode, 201, 'a group to aim at')
  const groupId: string = group.json().data.id
  // Audit entries enough for a second page, so that a real cursor exists.
  const timeCursor: string = (await alice({ method: 'GET', url: '/v2/audit?limit=1' })).json().page.nextCursor
  t.type(timeCursor, 'string', 'the audit log by time gives a cursor')
  const usersCursor: string = (await alice({ method: 'GET', url: '/v2/users?limit=1' })).json().page
    .nextCursor
  t.type(usersCursor, 'string', 'the user list gives a cursor')
  t.equal(
    (await root({ method: 'POST', url: '/v2/tenants', payload: { id: 'globex', name: 'Globex' } }))
      .statusCode,
    201,
    'a second tenant, for the tenant list',
  )
  const tenantsCursor: string = (await root({ method: 'GET', url: '/v2/tenants?limit=1' })).json().page
    .nextCursor
  t.type(tenantsCursor, 'string', 'the tenant list gives a cursor')

  const scanned = async () =>
    (await scanTable({ document, tableName })).map((item) => JSON.stringify(item)).sort()
  // What every refused request must leave behind; moved on only by the deliberate writes below.
  let before = await scanned()
  t.ok(before.length >= 8, 'the table holds the seeded items', { count: before.length })

  const run = async (t: Test, client: Client, cases: Case[]) => {
    for (const [what, request, expected] of cases)
      expectError(t, await client(request), expected.status, expected.code, what, expected.fields)
    t.same(await scanned(), before, 'nothing was written, not even in part')
  }

  await t.test('tenants', async (t) => {
    const valid = { id: 'initech', name: 'Initech', tier: 'basic' }
    const post = (payload: unknown, headers: Record<string, string> = {}): InjectOptions => ({
      method: 'POST',
      url: '/v2/tenants',
      payload: payload as InjectOptions['payload'],
      headers,
    })
    const patch = (payload: unknown, headers: Record<string, string> = {}, id = 'acme'): InjectOptions => ({
      method: 'PATCH',
      url: `/v2/tenants/${id}`,
      payload: payload as InjectOptions['payload'],
      headers,
    })
    const cases: Case[] = [
      ...bodyCases('POST', '/v2/tenants', valid),
      ['POST without a name', post({ id: 'initech' }), invalid('name')],
      ['POST with a numeric name', post({ ...valid, name: 5 }), invalid('name')],
      ['POST with a blank name', post({ ...valid, name: '   ' }), invalid('name')],
      ['POST with a name of 201 characters', post({ ...valid, name: 'n'.repeat(201) }), invalid('name')],
      ['POST with an upper-case id', post({ ...valid, id: 'Initech' }), invalid('id')],
      ['POST with an id holding #', post({ ...valid, id: 'acme#x' }), invalid('id')],
      ['POST with an id of 65 characters', post({ ...valid, id: 'a'.repeat(65) }), invalid('id')],
      ['POST with an empty id', post({ ...valid, id: '' }), invalid('id')],
      ['POST with an id starting with -', post({ ...valid, id: '-initech' }), invalid('id')],
      ['POST with a numeric id', post({ ...valid, id: 42 }), invalid('id')],
      ['POST with tier gold', post({ ...valid, tier: 'gold' }), invalid('tier')],
      ['POST with tier in upper case', post({ ...valid, tier: 'BASIC' }), invalid('tier')],
      ['POST with a status', post({ ...valid, status: 'active' }), invalid('status')],
      ['POST with a tenantId', post({ ...valid, tenantId: 'acme' }), invalid('tenantId')],
      [
        'POST with two unknown fields',
        post({ ...valid, owner: 'x', admin: true }),
        invalid('owner', 'admin'),
      ],
      ['POST with a version', post({ ...valid, version: 3 }), invalid('version')],
      [
        'POST with an Idempotency-Key of 300 characters',
        post(valid, { 'idempotency-key': 'k'.repeat(300) }),
        invalid('Idempotency-Key'),
      ],
      [
        'POST with an Idempotency-Key holding spaces',
        post(valid, { 'idempotency-key': 'my key' }),
        invalid('Idempotency-Key'),
      ],
      ...bodyCases('PATCH', '/v2/tenants/acme', { status: 'suspended' }),
      ['PATCH with no field', patch({}), invalid('body')],
      ['PATCH with status deleted', patch({ status: 'deleted' }), invalid('status')],
      ['PATCH with status null', patch({ status: null }), invalid('status')],
      ['PATCH with tier gold', patch({ tier: 'gold' }), invalid('tier')],
      ['PATCH with an empty name', patch({ name: '' }), invalid('name')],
      ['PATCH with a name of 201 characters', patch({ name: 'n'.repeat(201) }), invalid('name')],
      ['PATCH with an id', patch({ id: 'globex' }), invalid('id')],
      ['PATCH with a tenantId', patch({ tenantId: 'globex' }), invalid('tenantId')],
      [
        'PATCH with an If-Match of 101 characters',
        patch({ tier: 'basic' }, { 'if-match': `"${'1'.repeat(99)}"` }),
        invalid('if-match'),
      ],
      [
        'PATCH with an If-Match that is no version',
        patch({ tier: 'basic' }, { 'if-match': 'garbage' }),
        STALE,
      ],
      ['PATCH with a stale If-Match', patch({ tier: 'basic' }, { 'if-match': '"7"' }), STALE],
    ]
    for (const id of ['Acme', 'acme%23x', 'a'.repeat(65), '%20acme', '-acme', 'acme%20x']) {
      cases.push([`GET tenant id ${id}`, { method: 'GET', url: `/v2/tenants/${id}` }, invalid('id')])
      cases.push([`PATCH tenant id ${id}`, patch({ tier: 'basic' }, {}, id), invalid('id')])
    }
    for (const query of [
      'limit=0',
      'limit=101',
      'limit=abc',
      'limit=2.5',
      'cursor=',
      'cursor=garbage',
      `cursor=${'c'.repeat(3000)}`,
      'tier=basic',
    ]) {
      const field = query.split('=')[0] ?? ''
      cases.push([
        `GET tenants?${query.slice(0, 40)}`,
        { method: 'GET', url: `/v2/tenants?${query}` },
        invalid(field),
      ])
    }
    cases.push([
      'GET tenants with a cursor of the user list',
      { method: 'GET', url: `/v2/tenants?limit=1&cursor=${encodeURIComponent(usersCursor)}` },
      invalid('cursor'),
    ])
    await run(t, root, cases)
    const followed = await root({
      method: 'GET',
      url: `/v2/tenants?limit=1&cursor=${encodeURIComponent(tenantsCursor)}`,
    })
    t.equal(
      followed.statusCode,
      200,
      'the real tenant cursor is accepted, so the refusals are about the changes',
    )
  })

  await t.test('users', async (t) => {
    const valid = { id: 'dave', email: 'dave@acme.example', name: 'Dave' }
    const post = (payload: unknown, headers: Record<string, string> = {}): InjectOptions => ({
      method: 'POST',
      url: '/v2/users',
      payload: payload as InjectOptions['payload'],
      headers,
    })
    const patch = (payload: unknown, headers: Record<string, string> = {}, id = 'bob'): InjectOptions => ({
      method: 'PATCH',
      url: `/v2/users/${id}`,
      payload: payload as InjectOptions['payload'],
      headers,
    })
    const cases: Case[] = [
      ...bodyCases('POST', '/v2/users', valid),
      ['POST without an email', post({ name: 'Dave' }), invalid('email')],
      ['POST with a bad email', post({ ...valid, email: 'not-an-email' }), invalid('email')],
      [
        'POST with an email of 328 characters',
        post({
          ...valid,
          email: `${'e'.repeat(64)}@${Array.from({ length: 4 }, () => 'd'.repeat(63)).join('.')}.example`,
        }),
        invalid('email'),
      ],
      ['POST with a numeric email', post({ ...valid, email: 42 }), invalid('email')],
      ['POST without a name', post({ email: 'dave@acme.example' }), invalid('name')],
      ['POST with a name of 201 characters', post({ ...valid, name: 'n'.repeat(201) }), invalid('name')],
      ['POST with a phone of letters', post({ ...valid, phone: 'call me' }), invalid('phone')],
      ['POST with a phone of 40 digits', post({ ...valid, phone: '1'.repeat(40) }), invalid('phone')],
      ['POST with a numeric phone', post({ ...valid, phone: 5550100 }), invalid('phone')],
      ['POST with roles as a string', post({ ...valid, roles: 'tenant_admin' }), invalid('roles')],
      ['POST with an unknown role', post({ ...valid, roles: ['superuser'] }), invalid('roles.0')],
      [
        'POST with four roles',
        post({ ...valid, roles: ['member', 'member', 'member', 'member'] }),
        invalid('roles'),
      ],
      ['POST with an id holding a space', post({ ...valid, id: 'da ve' }), invalid('id')],
      ['POST with an id holding #', post({ ...valid, id: 'dave#x' }), invalid('id')],
      ['POST with an id of 129 characters', post({ ...valid, id: 'd'.repeat(129) }), invalid('id')],
      ['POST with a tenantId', post({ ...valid, tenantId: 'globex' }), invalid('tenantId')],
      ['POST with an emailIndex', post({ ...valid, emailIndex: 'x' }), invalid('emailIndex')],
      [
        'POST with an Idempotency-Key of 300 characters',
        post(valid, { 'idempotency-key': 'k'.repeat(300) }),
        invalid('Idempotency-Key'),
      ],
      [
        'POST with an Idempotency-Key holding spaces',
        post(valid, { 'idempotency-key': 'a b c' }),
        invalid('Idempotency-Key'),
      ],
      [
        'POST with a non-ASCII Idempotency-Key',
        post(valid, { 'idempotency-key': 'caf\u00e9' }),
        invalid('Idempotency-Key'),
      ],
      ...bodyCases('PATCH', '/v2/users/bob', { name: 'Bob' }),
      ['PATCH with no field', patch({}), invalid('body')],
      ['PATCH with a bad email', patch({ email: 'x' }), invalid('email')],
      ['PATCH with email null', patch({ email: null }), invalid('email')],
      ['PATCH with an unknown role', patch({ roles: ['root'] }), invalid('roles.0')],
      ['PATCH with roles null', patch({ roles: null }), invalid('roles')],
      ['PATCH with a numeric phone', patch({ phone: 5 }), invalid('phone')],
      ['PATCH with an empty name', patch({ name: '' }), invalid('name')],
      ['PATCH with an id', patch({ id: 'robert' }), invalid('id')],
      ['PATCH with a tenantId', patch({ tenantId: 'globex' }), invalid('tenantId')],
      [
        'PATCH with an If-Match of 101 characters',
        patch({ name: 'B' }, { 'if-match': `"${'1'.repeat(99)}"` }),
        invalid('if-match'),
      ],
      ['PATCH with a stale If-Match', patch({ name: 'B' }, { 'if-match': '"9"' }), STALE],
      [
        'DELETE with an If-Match of 101 characters',
        { method: 'DELETE', url: '/v2/users/bob', headers: { 'if-match': `"${'1'.repeat(99)}"` } },
        invalid('if-match'),
      ],
      [
        'DELETE with a stale If-Match',
        { method: 'DELETE', url: '/v2/users/bob', headers: { 'if-match': '"9"' } },
        STALE,
      ],
    ]
    for (const id of ['bo%20b', 'bob%23x', 'b'.repeat(129), '%20']) {
      cases.push([`GET user id ${id.slice(0, 20)}`, { method: 'GET', url: `/v2/users/${id}` }, invalid('id')])
      cases.push([`PATCH user id ${id.slice(0, 20)}`, patch({ name: 'x' }, {}, id), invalid('id')])
      cases.push([
        `DELETE user id ${id.slice(0, 20)}`,
        { method: 'DELETE', url: `/v2/users/${id}` },
        invalid('id'),
      ])
    }
    for (const query of [
      'email=not-an-email',
      'email=',
      'limit=0',
      'limit=101',
      'limit=ten',
      'cursor=',
      'cursor=garbage',
      'name=bob',
      'tenantId=globex',
    ]) {
      const field = query.split('=')[0] ?? ''
      cases.push([`GET users?${query}`, { method: 'GET', url: `/v2/users?${query}` }, invalid(field)])
    }
    cases.push([
      'GET users with a cursor of the tenant list',
      { method: 'GET', url: `/v2/users?limit=1&cursor=${encodeURIComponent(tenantsCursor)}` },
      invalid('cursor'),
    ])
    cases.push([
      'GET /users/me with a query',
      { method: 'GET', url: '/v2/users/me?tenantId=globex' },
      // /users/me takes no parameters: either refused or ignored, never another tenant's user.
      { status: 200, code: '' },
    ])
    const meCase = cases.pop()
    await run(t, alice, cases)
    const followed = await alice({
      method: 'GET',
      url: `/v2/users?limit=1&cursor=${encodeURIComponent(usersCursor)}`,
    })
    t.equal(followed.statusCode, 200, 'the real user cursor is accepted')
    if (meCase) {
      const me = await alice(meCase[1])
      t.ok([200, 400].includes(me.statusCode), '/users/me with a query: answered or refused')
      if (me.statusCode === 200)
        t.match(me.json().data, { id: 'alice', tenantId: 'acme' }, 'and still alice of acme')
    }
  })

  await t.test('the audit log', async (t) => {
    const get = (query: string): InjectOptions => ({ method: 'GET', url: `/v2/audit?${query}` })
    const cases: Case[] = [
      ['an unknown entityType', get('entityType=no-such-type&entityId=x'), invalid('entityType')],
      ['entityType without entityId', get('entityType=group'), invalid('entityId')],
      ['entityId without entityType', get(`entityId=${groupId}`), invalid('entityId')],
      ['an entityId holding #', get('entityType=group&entityId=a%23b'), invalid('entityId')],
      [
        'an entityId of 129 characters',
        get(`entityType=user&entityId=${'u'.repeat(129)}`),
        invalid('entityId'),
      ],
      ['from=yesterday', get('from=yesterday'), invalid('from')],
      ['from as a date only', get('from=2024-01-01'), invalid('from')],
      ['to in month 13', get('to=2024-13-01T00:00:00Z'), invalid('to')],
      ['from as unix seconds', get('from=1700000000'), invalid('from')],
      ['from after to', get('from=2024-02-01T00:00:00Z&to=2024-01-01T00:00:00Z'), invalid('from')],
      [
        'an entity and a time range',
        get(`entityType=group&entityId=${groupId}&from=2024-01-01T00:00:00Z`),
        invalid('from'),
      ],
      ['limit=0', get('limit=0'), invalid('limit')],
      ['limit=101', get('limit=101'), invalid('limit')],
      ['limit=-5', get('limit=-5'), invalid('limit')],
      ['cursor=', get('cursor='), invalid('cursor')],
      ['cursor=garbage', get('cursor=garbage'), invalid('cursor')],
      ['a cursor of 3000 characters', get(`cursor=${'c'.repeat(3000)}`), invalid('cursor')],
      [
        'the time cursor in an entity query',
        get(`entityType=group&entityId=${groupId}&limit=1&cursor=${encodeURIComponent(timeCursor)}`),
        invalid('cursor'),
      ],
      [
        'the user list cursor in the time query',
        get(`limit=1&cursor=${encodeURIComponent(usersCursor)}`),
        invalid('cursor'),
      ],
      ['a tenantId parameter', get('tenantId=globex'), invalid('tenantId')],
      ['an action parameter', get('action=delete'), invalid('action')],
    ]
    await run(t, alice, cases)
    const followed = await alice({
      method: 'GET',
      url: `/v2/audit?limit=1&cursor=${encodeURIComponent(timeCursor)}`,
    })
    t.equal(followed.statusCode, 200, 'the real audit cursor is accepted')
    const inclusive = await alice(get('from=2000-01-01T00:00:00%2B01:00&to=2999-01-01T00:00:00Z'))
    t.equal(inclusive.statusCode, 200, 'a range with offsets is accepted')
  })

  await t.test('usage', async (t) => {
    const get = (query: string, id = 'acme'): InjectOptions => ({
      method: 'GET',
      url: `/v2/tenants/${id}/usage?${query}`,
    })
    const range = 'from=2026-01-01&to=2026-01-02'
    const cases: Case[] = [
      ['no from', get('to=2026-01-02'), invalid('from')],
      ['no to', get('from=2026-01-01'), invalid('to')],
      ['no range at all', get(''), invalid('from', 'to')],
      ['from=yesterday', get('from=yesterday&to=2026-01-02'), invalid('from')],
      ['from as unix seconds', get('from=1700000000&to=2026-01-02'), invalid('from')],
      ['to in month 13', get('from=2026-01-01&to=2026-13-01'), invalid('to')],
      ['a date-time without an offset', get('from=2026-01-01T00:00:00&to=2026-01-02'), invalid('from')],
      ['from equal to to', get('from=2026-01-01&to=2026-01-01T00:00:00Z'), invalid('to')],
      ['from after to', get('from=2026-02-01&to=2026-01-01'), invalid('to')],
      ['a range of 367 days', get('from=2025-01-01&to=2026-01-03'), invalid('to')],
      ['granularity=week', get(`${range}&granularity=week`), invalid('granularity')],
      ['granularity=HOUR', get(`${range}&granularity=HOUR`), invalid('granularity')],
      ['granularity twice', get(`${range}&granularity=hour&granularity=day`), invalid('granularity')],
      ['a tenantId parameter', get(`${range}&tenantId=globex`), invalid('tenantId')],
    ]
    for (const id of ['Acme', 'acme%23x', 'a'.repeat(65), '-acme'])
      cases.push([`tenant id ${id}`, get(range, id), invalid('id')])
    await run(t, alice, cases)
    const year = await alice(get('from=2025-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&granularity=day'))
    t.equal(year.statusCode, 200, 'a range of exactly 366 days is accepted')
    const offsets = await alice(get('from=2026-01-01T00:00:00%2B01:00&to=2026-01-01T06:30:00-02:00'))
    t.equal(offsets.statusCode, 200, 'date-times with offsets are accepted')
  })

  await t.test('the group batch', async (t) => {
    const valid = { name: 'beta', groupType: 'team' }
    const post = (payload: unknown, headers: Record<string, string> = {}): InjectOptions => ({
      method: 'POST',
      url: '/v2/groups/batch',
      payload: payload as InjectOptions['payload'],
      headers,
    })
    const cases: Case[] = [
      ...bodyCases('POST', '/v2/groups/batch', { items: [valid] }, BATCH_BODY_LIMIT_BYTES),
      ['no items', post({}), invalid('items')],
      ['an empty item list', post({ items: [] }), invalid('items')],
      ['items as an object', post({ items: valid }), invalid('items')],
      ['items as a string', post({ items: 'x' }), invalid('items')],
      ['1001 items', post({ items: Array.from({ length: 1001 }, () => valid) }), invalid('items')],
      ['an unknown top-level field', post({ items: [valid], tenantId: 'globex' }), invalid('tenantId')],
      [
        'an Idempotency-Key of 300 characters',
        post({ items: [valid] }, { 'idempotency-key': 'k'.repeat(300) }),
        invalid('Idempotency-Key'),
      ],
      [
        'an Idempotency-Key with a space',
        post({ items: [valid] }, { 'idempotency-key': 'batch 1' }),
        invalid('Idempotency-Key'),
      ],
    ]
    await run(t, alice, cases)

    // One bad item does not refuse the others: it is reported, the good one written with its audit entry.
    const mixed = await alice(
      post({ items: [valid, { ...valid, name: 5 }, { ...valid, groupType: 'Bad Type' }] }),
    )
    t.equal(mixed.statusCode, 200, 'a batch with bad items: 200')
    const outcomes = mixed.json().data
    t.type(outcomes[0]?.id, 'string', 'the good item is written')
    for (const [index, field] of [
      [1, 'name'],
      [2, 'groupType'],
    ] as const) {
      t.equal(outcomes[index]?.error?.code, 'VALIDATION_ERROR', `item ${index} is refused`)
      t.ok(
        (outcomes[index]?.error?.details ?? []).some((detail: { field: string }) => detail.field === field),
        `item ${index}: details name ${field}`,
      )
    }
    const after = await scanned()
    const added = after.filter((item) => !before.includes(item)).map((item) => JSON.parse(item))
    t.same(
      added.map((item) => item.model_name).sort(),
      ['audit_entry', 'group'],
      'exactly the good group and its audit entry were written',
    )
    t.ok(
      added.every((item) => item.id === outcomes[0]?.id || item.entity_id === outcomes[0]?.id),
      'both belong to the good item',
    )
    before = after
  })

  await t.test('headers on the group routes', async (t) => {
    const cases: Case[] = [
      [
        'POST /groups with an Idempotency-Key of 300 characters',
        {
          method: 'POST',
          url: '/v2/groups',
          payload: { name: 'x', groupType: 'team' },
          headers: { 'idempotency-key': 'k'.repeat(300) },
        },
        invalid('Idempotency-Key'),
      ],
      [
        'POST /groups with an Idempotency-Key with spaces',
        {
          method: 'POST',
          url: '/v2/groups',
          payload: { name: 'x', groupType: 'team' },
          headers: { 'idempotency-key': ' key ' },
        },
        invalid('Idempotency-Key'),
      ],
      [
        'POST /v1/groups with an Idempotency-Key of 256 characters',
        {
          method: 'POST',
          url: '/v1/groups',
          payload: { name: 'x', type: 'team' },
          headers: { 'idempotency-key': 'k'.repeat(256) },
        },
        invalid('Idempotency-Key'),
      ],
      [
        'PATCH /groups with an If-Match of 101 characters',
        {
          method: 'PATCH',
          url: `/v2/groups/${groupId}`,
          payload: { name: 'x' },
          headers: { 'if-match': 'W/'.padEnd(101, '1') },
        },
        invalid('if-match'),
      ],
      [
        'DELETE /groups with an If-Match of 101 characters',
        { method: 'DELETE', url: `/v2/groups/${groupId}`, headers: { 'if-match': '"'.padEnd(101, '2') } },
        invalid('if-match'),
      ],
      [
        'DELETE /groups with an If-Match that is no version',
        { method: 'DELETE', url: `/v2/groups/${groupId}`, headers: { 'if-match': 'abc' } },
        STALE,
      ],
      [
        'an unknown API-Version',
        { method: 'GET', url: '/groups', headers: { 'api-version': 'v9' } },
        invalid('API-Version'),
      ],
      ['an unknown path version', { method: 'GET', url: '/v9/groups' }, invalid('path')],
    ]
    // Malformed percent-encoding: the URL itself is malformed (400), before a route, or an id, is known.
    for (const [method, url] of [
      ['GET', '/v2/users/%E0%A4%A'],
      ['DELETE', '/v2/users/bob%zz'],
      ['GET', '/v2/tenants/%'],
      ['PATCH', '/v2/tenants/acme%zz'],
      ['GET', '/v2/groups/%zz'],
      ['DELETE', '/v1/groups/%E0%A4%A'],
    ] as const) {
      cases.push([
        `${method} ${url} (bad percent-encoding)`,
        { method, url, payload: method === 'PATCH' ? { name: 'x' } : undefined },
        invalid(),
      ])
    }
    await run(t, alice, cases)
  })

  await t.test('the limits are where the contract puts them', async (t) => {
    const atLimits = await alice({
      method: 'POST',
      url: '/v2/users',
      headers: { 'idempotency-key': '~'.repeat(255) },
      payload: {
        id: 'u'.repeat(128),
        email: 'limits@acme.example',
        name: 'n'.repeat(200),
        phone: '+1 (555) 010-0100',
      },
    })
    t.equal(atLimits.statusCode, 201, 'a user at every limit, with a 255-character key, is accepted')
    // The id is as long as a user id (and a token's sub) may be: the user can be reached by it.
    const longId = atLimits.json().data?.id
    t.equal(longId, 'u'.repeat(128), 'the user has the 128-character id')
    const read = await alice({ method: 'GET', url: `/v2/users/${'u'.repeat(128)}` })
    t.equal(read.statusCode, 200, 'GET /users/{id} with a 128-character id', {
      body: read.body.slice(0, 200),
    })
    const renamed = await alice({
      method: 'PATCH',
      url: `/v2/users/${'u'.repeat(128)}`,
      payload: { name: 'Long' },
    })
    t.equal(renamed.statusCode, 200, 'PATCH /users/{id} with a 128-character id', {
      body: renamed.body.slice(0, 200),
    })
    const me = await clientOf(token('acme', 'u'.repeat(128), ['member']))({
      method: 'GET',
      url: '/v2/users/me',
    })
    t.equal(me.statusCode, 200, 'the user with a 128-character sub reads /users/me')
    const tenant = await root({
      method: 'POST',
      url: '/v2/tenants',
      payload: { id: `a${'b'.repeat(63)}`, name: 'n'.repeat(200), tier: 'premium' },
    })
    t.equal(tenant.statusCode, 201, 'a tenant id of 64 characters and a name of 200 are accepted')
    const audit = await alice({ method: 'GET', url: '/v2/audit?limit=100&from=2000-01-01T00:00:00Z' })
    t.equal(audit.statusCode, 200, 'limit=100 with from is accepted')
  })

  await t.test('no answer was a 5xx or held a stack trace', async (t) => {
    t.ok(seen.length > 200, 'the matrix ran', { count: seen.length })
    for (const { what, response } of seen) {
      t.ok(response.statusCode < 500, `${what.slice(0, 80)}: not a 5xx`, { status: response.statusCode })
      t.notMatch(response.body, STACK_TRACE, `${what.slice(0, 80)}: no stack trace`)
    }
  })
})
