// A matrix of bad requests against the group routes: each one gets the right 4xx in the error
// envelope, names the bad field, writes nothing, and never turns into a 5xx or leaks a stack trace.
import { createSigner } from 'fast-jwt'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import t, { type Test } from 'tap'
import { ulid } from 'ulid'
import { buildTestApp } from '../../../helpers/app.js'
import { type ExpectedError, expectError, STACK_TRACE } from '../../../helpers/expect.js'
import { scanTable } from '../../../helpers/table.js'
import { TEST_JWT_SECRET } from '../../../helpers/tokens.js'

type Client = (options: InjectOptions) => Promise<LightMyRequestResponse>

const BODY_LIMIT_BYTES = 1_048_576

/** A JSON body of exactly `bytes` bytes. */
function bodyOfSize(bytes: number): string {
  const empty = JSON.stringify({ name: '', groupType: 'team' })
  return JSON.stringify({ name: 'x'.repeat(bytes - empty.length), groupType: 'team' })
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** Changes the character at `index` to another one of the base64url alphabet. */
function changeCharAt(value: string, index: number): string {
  const replacement = value[index] === 'A' ? 'B' : 'A'
  return value.slice(0, index) + replacement + value.slice(index + 1)
}

t.test('bad input to the group routes', async (t) => {
  const { app, token, document, tableName } = await buildTestApp(t)
  const seen: { what: string; response: LightMyRequestResponse }[] = []
  const inject: Client = async (options) => {
    const response = await app.inject(options)
    seen.push({ what: `${options.method} ${String(options.url)}`, response })
    return response
  }
  const clientOf = (bearer: string): Client => {
    const authorization = `Bearer ${bearer}`
    return (options) => inject({ ...options, headers: { authorization, ...options.headers } })
  }
  const alice = clientOf(token('acme', 'alice', ['tenant_admin']))

  const seeded: { id: string; name: string }[] = []
  for (const name of ['alpha', 'bravo', 'charlie']) {
    const created = await alice({ method: 'POST', url: '/v2/groups', payload: { name, groupType: 'team' } })
    t.equal(created.statusCode, 201, `${name} created`)
    seeded.push(created.json().data)
  }
  const target = seeded[0]
  if (!target) throw new Error('nothing seeded')

  const snapshot = async () => {
    const listed = await alice({ method: 'GET', url: '/v2/groups?limit=100' })
    const items = await scanTable({ document, tableName })
    return {
      groups: (listed.json().data ?? []).map(
        (group: { id: string; name: string; version: number; updatedUtc: string }) => ({
          id: group.id,
          name: group.name,
          version: group.version,
          updatedUtc: group.updatedUtc,
        }),
      ),
      items: items.length,
    }
  }
  const before = await snapshot()
  t.equal(before.groups.length, 3, 'the tenant starts with its three groups')
  const nothingWritten = async (t: Test, what: string) => {
    t.same(await snapshot(), before, `${what}: nothing was written`)
  }

  await t.test('POST bodies that are not a group object', async (t) => {
    const cases: [string, InjectOptions['payload'], string | undefined, ExpectedError][] = [
      [
        'malformed JSON',
        '{"name": "x",',
        'application/json',
        { status: 400, code: 'VALIDATION_ERROR', fields: ['body'] },
      ],
      ['an empty body', '', 'application/json', { status: 400, code: 'VALIDATION_ERROR', fields: ['body'] }],
      [
        'an empty array',
        '[]',
        'application/json',
        { status: 400, code: 'VALIDATION_ERROR', fields: ['body'] },
      ],
      [
        'an array of groups',
        '[{"name":"x","groupType":"team"}]',
        'application/json',
        { status: 400, code: 'VALIDATION_ERROR', fields: ['body'] },
      ],
      [
        'a JSON string',
        '"hello"',
        'application/json',
        { status: 400, code: 'VALIDATION_ERROR', fields: ['body'] },
      ],
      [
        'a JSON number',
        '42',
        'application/json',
        { status: 400, code: 'VALIDATION_ERROR', fields: ['body'] },
      ],
      ['JSON null', 'null', 'application/json', { status: 400, code: 'VALIDATION_ERROR', fields: ['body'] }],
      [
        'a __proto__ key',
        '{"name":"x","groupType":"team","__proto__":{"admin":true}}',
        'application/json',
        { status: 400, code: 'VALIDATION_ERROR', fields: [/^(?:body|__proto__)$/] },
      ],
      [
        'a constructor.prototype key',
        '{"name":"x","groupType":"team","constructor":{"prototype":{"admin":true}}}',
        'application/json',
        { status: 400, code: 'VALIDATION_ERROR', fields: [/^(?:body|constructor)$/] },
      ],
      [
        'text/plain',
        '{"name":"x","groupType":"team"}',
        'text/plain',
        { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
      ],
      [
        'a form',
        'name=x&groupType=team',
        'application/x-www-form-urlencoded',
        { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
      ],
      [
        'no content type',
        '{"name":"x","groupType":"team"}',
        undefined,
        { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
      ],
      [
        'a body one byte over 1 MiB',
        bodyOfSize(BODY_LIMIT_BYTES + 1),
        'application/json',
        { status: 413, code: 'PAYLOAD_TOO_LARGE' },
      ],
      [
        'a 2 MiB body',
        bodyOfSize(2 * BODY_LIMIT_BYTES),
        'application/json',
        { status: 413, code: 'PAYLOAD_TOO_LARGE' },
      ],
    ]
    for (const [what, payload, contentType, expected] of cases) {
      const response = await alice({
        method: 'POST',
        url: '/v2/groups',
        payload,
        headers: contentType ? { 'content-type': contentType } : {},
      })
      expectError(t, response, expected.status, expected.code, `POST ${what}`, expected.fields)
      await nothingWritten(t, `POST ${what}`)
    }
  })

  await t.test('POST group objects with bad fields', async (t) => {
    const valid = { name: 'ok', groupType: 'team' }
    const cases: [string, Record<string, unknown>, string[]][] = [
      ['name is a number', { ...valid, name: 5 }, ['name']],
      ['name is null', { ...valid, name: null }, ['name']],
      ['name is empty', { ...valid, name: '' }, ['name']],
      ['name is blank', { ...valid, name: '   ' }, ['name']],
      ['groupType is a boolean', { ...valid, groupType: true }, ['groupType']],
      ['privacySettings is a string', { ...valid, privacySettings: 'x' }, ['privacySettings']],
      [
        'visibility is unknown',
        { ...valid, privacySettings: { visibility: 'secret' } },
        ['privacySettings.visibility'],
      ],
      ['visibility is missing', { ...valid, privacySettings: {} }, ['privacySettings.visibility']],
      ['description is a number', { ...valid, description: 7 }, ['description']],
      ['everything is missing', {}, ['name', 'groupType']],
      ['name is missing', { groupType: 'team' }, ['name']],
      ['groupType is missing', { name: 'ok' }, ['groupType']],
      ['an unknown top-level field', { ...valid, owner: 'mallory' }, ['owner']],
      ['two unknown top-level fields', { ...valid, owner: 'mallory', admin: true }, ['owner', 'admin']],
      [
        'unknown fields inside privacySettings',
        { ...valid, privacySettings: { visibility: 'private', sharedWith: ['globex'], everyone: true } },
        ['privacySettings.sharedWith', 'privacySettings.everyone'],
      ],
      [
        'unknown fields at both levels',
        { ...valid, extra: 1, privacySettings: { visibility: 'tenant', extra: 2 } },
        ['extra', 'privacySettings.extra'],
      ],
      [
        'server-owned fields',
        { ...valid, version: 7, createdUtc: '2020-01-01T00:00:00Z' },
        ['version', 'createdUtc'],
      ],
      ['name of 201 characters', { ...valid, name: 'n'.repeat(201) }, ['name']],
      ['description of 2001 characters', { ...valid, description: 'd'.repeat(2001) }, ['description']],
      ['groupType of 51 characters', { ...valid, groupType: 'g'.repeat(51) }, ['groupType']],
      ['groupType in upper case', { ...valid, groupType: 'Team' }, ['groupType']],
      ['groupType with a space', { ...valid, groupType: 'my team' }, ['groupType']],
      ['groupType with a leading space', { ...valid, groupType: ' team' }, ['groupType']],
      ['groupType with a key separator', { ...valid, groupType: 'team#x' }, ['groupType']],
      ['groupType empty', { ...valid, groupType: '' }, ['groupType']],
    ]
    for (const [what, payload, fields] of cases) {
      const response = await alice({ method: 'POST', url: '/v2/groups', payload })
      expectError(t, response, 400, 'VALIDATION_ERROR', `POST ${what}`, fields)
      await nothingWritten(t, `POST ${what}`)
    }
  })

  await t.test('PATCH with bad bodies', async (t) => {
    const url = `/v2/groups/${target.id}`
    const objectCases: [string, Record<string, unknown>, string[]][] = [
      ['an empty object', {}, ['body']],
      ['name is a number', { name: 5 }, ['name']],
      ['name is null', { name: null }, ['name']],
      ['groupType is null', { groupType: null }, ['groupType']],
      ['groupType in upper case', { groupType: 'Team' }, ['groupType']],
      [
        'visibility is unknown',
        { privacySettings: { visibility: 'secret' } },
        ['privacySettings.visibility'],
      ],
      ['privacySettings is a string', { privacySettings: 'x' }, ['privacySettings']],
      ['an unknown field', { name: 'ok', owner: 'mallory' }, ['owner']],
      ['a tenantId', { tenantId: 'globex' }, ['tenantId']],
      ['a userId', { userId: 'mallory' }, ['userId']],
      [
        'an unknown field inside privacySettings',
        { privacySettings: { visibility: 'tenant', x: 1 } },
        ['privacySettings.x'],
      ],
      ['name of 201 characters', { name: 'n'.repeat(201) }, ['name']],
      ['description of 2001 characters', { description: 'd'.repeat(2001) }, ['description']],
      ['groupType of 51 characters', { groupType: 'g'.repeat(51) }, ['groupType']],
    ]
    for (const [what, payload, fields] of objectCases) {
      const response = await alice({ method: 'PATCH', url, payload })
      expectError(t, response, 400, 'VALIDATION_ERROR', `PATCH ${what}`, fields)
      await nothingWritten(t, `PATCH ${what}`)
    }

    const rawCases: [string, string, string, ExpectedError][] = [
      [
        'malformed JSON',
        '{"name":',
        'application/json',
        { status: 400, code: 'VALIDATION_ERROR', fields: ['body'] },
      ],
      ['an empty body', '', 'application/json', { status: 400, code: 'VALIDATION_ERROR', fields: ['body'] }],
      [
        'a JSON array',
        '[{"name":"x"}]',
        'application/json',
        { status: 400, code: 'VALIDATION_ERROR', fields: ['body'] },
      ],
      ['text/plain', '{"name":"x"}', 'text/plain', { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' }],
      [
        'a body over 1 MiB',
        bodyOfSize(BODY_LIMIT_BYTES + 1),
        'application/json',
        { status: 413, code: 'PAYLOAD_TOO_LARGE' },
      ],
    ]
    for (const [what, payload, contentType, expected] of rawCases) {
      const response = await alice({
        method: 'PATCH',
        url,
        payload,
        headers: { 'content-type': contentType },
      })
      expectError(t, response, expected.status, expected.code, `PATCH ${what}`, expected.fields)
      await nothingWritten(t, `PATCH ${what}`)
    }
  })

  await t.test('ids in the path that can name no group answer 404 as a missing one', async (t) => {
    const missing = await alice({ method: 'GET', url: `/v2/groups/${ulid()}` })
    const missingError = expectError(t, missing, 404, 'NOT_FOUND', 'GET a missing ULID')
    const badIds = [
      `${target.id.slice(0, 20)}%23group`,
      encodeURIComponent(`tenant#globex#group#${target.id}`),
      '%20'.repeat(26),
      `${target.id}%00`,
      `${target.id}.json`,
      'i'.repeat(65),
      '%C3%A9',
    ]
    // Well-formed ids are opaque: looked up, and missing.
    const missingIds = ['not-a-ulid', target.id.slice(0, 25), `${target.id}0`, `${target.id.slice(0, 25)}U`]
    for (const id of [...badIds, ...missingIds]) {
      const url = `/v2/groups/${id}`
      for (const request of [
        { method: 'GET', url },
        { method: 'PATCH', url, payload: { name: 'renamed' } },
        // Before the body is read: no body makes a malformed id a 400.
        ...(badIds.includes(id) ? [{ method: 'PATCH', url, payload: { unknown: true } }] : []),
        { method: 'DELETE', url },
        { method: 'DELETE', url: url.replace('/v2/', '/v1/') },
      ] as const) {
        const error = expectError(
          t,
          await alice(request),
          404,
          'NOT_FOUND',
          `${request.method} ${request.url}`,
        )
        t.equal(error?.message, missingError?.message, `${request.method} ${request.url}: as a missing group`)
      }
    }
    await nothingWritten(t, 'bad ids')
  })

  await t.test('list query parameters', async (t) => {
    const first = await alice({ method: 'GET', url: '/v2/groups?limit=1' })
    t.equal(first.statusCode, 200, 'a first page of one')
    const cursor: string = first.json().page.nextCursor
    t.type(cursor, 'string', 'with a cursor')
    const byType = await alice({ method: 'GET', url: '/v2/groups?groupType=team&limit=1' })
    const typeCursor: string = byType.json().page.nextCursor
    t.type(typeCursor, 'string', 'a cursor of the by-type list')
    const dot = cursor.indexOf('.')
    t.ok(dot > 0, 'the cursor has a payload and a signature')

    // The real cursor works as it is, so each refusal below is about the change made to it.
    const follow = await alice({
      method: 'GET',
      url: `/v2/groups?limit=1&cursor=${encodeURIComponent(cursor)}`,
    })
    t.equal(follow.statusCode, 200, 'the untouched cursor is accepted')

    const cases: [string, string, (string | RegExp)[]][] = [
      ['limit=0', 'limit=0', ['limit']],
      ['limit=101', 'limit=101', ['limit']],
      ['limit=abc', 'limit=abc', ['limit']],
      ['limit=1.5', 'limit=1.5', ['limit']],
      ['limit=-1', 'limit=-1', ['limit']],
      ['limit given twice', 'limit=1&limit=2', ['limit']],
      ['order=sideways', 'order=sideways', ['order']],
      ['scope=mine without groupType', 'scope=mine', [/^(?:scope|groupType)$/]],
      ['scope=all', 'scope=all', ['scope']],
      ['scope=all with a groupType', 'scope=all&groupType=team', ['scope']],
      ['groupType in upper case', 'groupType=Team', ['groupType']],
      ['an unknown parameter', 'color=red', ['color']],
      ['a tenantId parameter', 'tenantId=globex', ['tenantId']],
      ['createdFrom=not-a-date', 'createdFrom=not-a-date', ['createdFrom']],
      ['createdTo=yesterday', 'createdTo=yesterday', ['createdTo']],
      [
        'createdFrom after createdTo',
        'createdFrom=2024-02-01T00:00:00Z&createdTo=2024-01-01T00:00:00Z',
        [/^created(?:From|To)$/],
      ],
      ['fields=password', 'fields=password', [/^fields(?:\.\d+)?$/]],
      ['fields with one unknown name', 'fields=id,password', [/^fields(?:\.\d+)?$/]],
      ['fields= (empty)', 'fields=', [/^fields(?:\.\d+)?$/]],
      ['cursor= (empty)', 'cursor=', ['cursor']],
      ['cursor=garbage', 'cursor=garbage', ['cursor']],
      ['cursor=a.b', 'cursor=a.b', ['cursor']],
      ['a cursor of three parts', `cursor=${encodeURIComponent(`${cursor}.x`)}`, ['cursor']],
      ['a cursor of 3000 characters', `cursor=${'c'.repeat(3000)}`, ['cursor']],
      [
        'a well-formed unsigned cursor',
        `cursor=${base64url({ pk: 'tenant#acme#group#x', sk: 'group#x' })}.${base64url('mac')}`,
        ['cursor'],
      ],
      [
        'a cursor with its payload changed',
        `limit=1&cursor=${encodeURIComponent(changeCharAt(cursor, 0))}`,
        ['cursor'],
      ],
      [
        'a cursor with its signature changed',
        `limit=1&cursor=${encodeURIComponent(changeCharAt(cursor, dot + 1))}`,
        ['cursor'],
      ],
      ['a cursor of another query', `limit=1&cursor=${encodeURIComponent(typeCursor)}`, ['cursor']],
      [
        'a cursor replayed in the other order',
        `limit=1&order=asc&cursor=${encodeURIComponent(cursor)}`,
        ['cursor'],
      ],
    ]
    for (const [what, query, fields] of cases) {
      const response = await alice({ method: 'GET', url: `/v2/groups?${query}` })
      expectError(t, response, 400, 'VALIDATION_ERROR', `list with ${what}`, fields)
    }
  })

  await t.test('tokens that must not authenticate', async (t) => {
    const now = Math.floor(Date.now() / 1000)
    const claims = { sub: 'alice', tenant_id: 'acme', roles: ['tenant_admin'] }
    const signWith = (key: string, algorithm: 'HS256' | 'HS512' = 'HS256') => createSigner({ key, algorithm })
    const authorizations: [string, string | undefined][] = [
      ['no Authorization header', undefined],
      ['Bearer with nothing', 'Bearer'],
      ['Bearer and a space', 'Bearer '],
      ['Basic credentials', `Basic ${Buffer.from('alice:secret').toString('base64')}`],
      ['the token without a scheme', token('acme', 'alice', ['tenant_admin'])],
      ['a garbage token', 'Bearer garbage'],
      ['three garbage parts', 'Bearer a.b.c'],
      [
        'a token signed with another secret',
        `Bearer ${signWith('another-secret-that-is-long-enough')(claims)}`,
      ],
      ['a token signed with HS512', `Bearer ${signWith(TEST_JWT_SECRET, 'HS512')(claims)}`],
      [
        'an expired token',
        `Bearer ${signWith(TEST_JWT_SECRET)({ ...claims, iat: now - 7200, exp: now - 3600 })}`,
      ],
      ['a token not valid yet', `Bearer ${signWith(TEST_JWT_SECRET)({ ...claims, nbf: now + 3600 })}`],
      [
        'an alg none token',
        `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...claims, iat: now, exp: now + 3600 })}.`,
      ],
      [
        'an alg none token with a signature copied from a valid one',
        `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...claims, iat: now, exp: now + 3600 })}.${
          token('acme', 'alice', ['tenant_admin']).split('.')[2]
        }`,
      ],
      [
        'a valid token with its payload swapped',
        (() => {
          const [header, , signature] = token('globex', 'alice', ['tenant_admin']).split('.')
          return `Bearer ${header}.${base64url({ ...claims, iat: now, exp: now + 3600 })}.${signature}`
        })(),
      ],
      [
        'a token without tenant_id',
        `Bearer ${token('acme', 'alice', ['tenant_admin'], { tenant_id: undefined })}`,
      ],
      ['a token with tenant_id ACME', `Bearer ${token('ACME', 'alice', ['tenant_admin'])}`],
      ['a token with tenant_id a#b', `Bearer ${token('a#b', 'alice', ['tenant_admin'])}`],
      ['a token with an empty tenant_id', `Bearer ${token('', 'alice', ['tenant_admin'])}`],
      [
        'a token with a numeric tenant_id',
        `Bearer ${token('acme', 'alice', ['tenant_admin'], { tenant_id: 42 })}`,
      ],
      ['a token without sub', `Bearer ${token('acme', 'alice', ['tenant_admin'], { sub: undefined })}`],
      ['a token with an empty sub', `Bearer ${token('acme', '', ['tenant_admin'])}`],
      ['a token with a sub holding #', `Bearer ${token('acme', 'alice#x', ['tenant_admin'])}`],
    ]
    for (const [what, authorization] of authorizations) {
      const headers = authorization === undefined ? {} : { authorization }
      const requests: InjectOptions[] = [
        { method: 'GET', url: '/v2/groups' },
        { method: 'GET', url: `/v2/groups/${target.id}` },
        { method: 'POST', url: '/v2/groups', payload: { name: 'intruder', groupType: 'team' } },
        { method: 'PATCH', url: `/v2/groups/${target.id}`, payload: { name: 'intruder' } },
        { method: 'DELETE', url: `/v2/groups/${target.id}` },
      ]
      for (const request of requests) {
        const response = await inject({ ...request, headers })
        expectError(t, response, 401, 'UNAUTHORIZED', `${request.method} ${request.url} with ${what}`)
        t.notMatch(response.body, 'alpha', `${request.method} with ${what}: no group data`)
      }
      await nothingWritten(t, what)
    }

    // The same requests with a good token succeed, so the 401s above are about the tokens.
    const good = await inject({
      method: 'GET',
      url: `/v2/groups/${target.id}`,
      headers: {
        authorization: `Bearer ${signWith(TEST_JWT_SECRET)({ ...claims, iat: now, exp: now + 3600 })}`,
      },
    })
    t.equal(good.statusCode, 200, 'a well-signed token reads the group')
  })

  await t.test('the limits are where the contract puts them', async (t) => {
    const atLimits = await alice({
      method: 'POST',
      url: '/v2/groups',
      payload: { name: 'n'.repeat(200), groupType: 'g'.repeat(50), description: 'd'.repeat(2000) },
    })
    t.equal(atLimits.statusCode, 201, 'name 200, groupType 50 and description 2000 are accepted')
    const charset = await alice({
      method: 'POST',
      url: '/v2/groups',
      payload: JSON.stringify({ name: 'delta', groupType: 'a-z_0-9' }),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    })
    t.equal(charset.statusCode, 201, 'application/json with a charset is accepted')
    for (const query of [
      'limit=1',
      'limit=100',
      'order=asc',
      'scope=mine&groupType=team',
      'fields=id,name',
      'createdFrom=2020-01-01T00:00:00Z&createdTo=1999999999',
    ]) {
      const listed = await alice({ method: 'GET', url: `/v2/groups?${query}` })
      t.equal(listed.statusCode, 200, `list with ${query} is accepted`)
    }
  })

  await t.test('no answer was a 5xx or held a stack trace', async (t) => {
    t.ok(seen.length > 300, 'the matrix ran', { count: seen.length })
    t.match(
      JSON.stringify({ stack: new Error('probe').stack }),
      STACK_TRACE,
      'the detector sees a stack trace',
    )
    for (const { what, response } of seen) {
      t.ok(response.statusCode < 500, `${what}: not a 5xx`, {
        status: response.statusCode,
        body: response.body,
      })
      t.notMatch(response.body, STACK_TRACE, `${what}: no stack trace`)
    }
  })
})
