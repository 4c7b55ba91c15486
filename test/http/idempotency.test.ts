// Idempotency-Key on the POST routes, through HTTP against DynamoDB Local: a retry gets the first
// response and writes nothing; another body is refused; keys are per user and tenant; parallel
// retries write once; a failed (5xx) or crashed request frees its key. Then a burst of concurrent
// writes: every acknowledged write has exactly one audit entry, and nothing else does.
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import t from 'tap'
import { servicesOf } from '../../src/container.js'
import type { StoredResponse } from '../../src/services/idempotency-store.js'
import { buildTestApp } from '../helpers/app.js'
import { expectError, expectReplay } from '../helpers/expect.js'
import { failAttempts, throttling } from '../helpers/faults.js'
import { scanTable, storedAudit, storedGroups } from '../helpers/table.js'

type Client = (options: InjectOptions) => Promise<LightMyRequestResponse>
type Json = Record<string, unknown>

const REPLAYED = 'idempotent-replayed'

t.test('Idempotency-Key on POST routes', async (t) => {
  const app = await buildTestApp(t)
  const alice = app.as('acme', 'alice', ['tenant_admin'])
  const bob = app.as('acme', 'bob', ['tenant_admin'])
  const gina = app.as('globex', 'alice', ['tenant_admin'])
  const body = { name: 'retried', groupType: 'team', privacySettings: { visibility: 'tenant' } }
  const withKey = (key: string, payload: unknown, url = '/v2/groups'): InjectOptions => ({
    method: 'POST',
    url,
    payload: payload as InjectOptions['payload'],
    headers: { 'idempotency-key': key },
  })

  await t.test('a retry with the same key and body gets the first response and writes nothing', async (t) => {
    const first = await alice(withKey('create-1', body))
    t.equal(first.statusCode, 201, 'the first request creates')
    const created = first.json().data
    t.equal(first.headers.location, `/v2/groups/${created.id}`, 'with a Location')
    t.equal(first.headers.etag, '"1"', 'and an ETag')
    const groups = (await storedGroups(app, 'acme')).length
    const audit = (await storedAudit(app, 'acme')).length
    for (const attempt of [1, 2, 3]) {
      const retry = await alice(withKey('create-1', body))
      expectReplay(t, first, retry, `retry ${attempt}`)
    }
    t.equal((await storedGroups(app, 'acme')).length, groups, 'no group was added by the retries')
    t.equal((await storedAudit(app, 'acme')).length, audit, 'no audit entry was added by the retries')
    const listed = await alice({ method: 'GET', url: '/v2/groups?limit=100' })
    t.equal(
      listed.json().data.filter((group: Json) => group.name === 'retried').length,
      1,
      'the list holds the group once',
    )

    // A body that parses to the same request (key order, blanks) is the same request.
    const reordered = await alice({
      ...withKey('create-1', undefined),
      payload: '{ "privacySettings": {"visibility":"tenant"}, "groupType": "team", "name": "retried" }',
      headers: { 'idempotency-key': 'create-1', 'content-type': 'application/json' },
    })
    expectReplay(t, first, reordered, 'the same fields in another order')
    t.equal((await storedGroups(app, 'acme')).length, groups, 'still no group added')
  })

  await t.test('the same key with another request is refused', async (t) => {
    const before = (await scanTable(app)).length
    expectError(
      t,
      await alice(withKey('create-1', { ...body, name: 'other' })),
      422,
      'IDEMPOTENCY_KEY_REUSED',
      'same key, other name',
    )
    expectError(
      t,
      await alice(withKey('create-1', { ...body, privacySettings: { visibility: 'private' } })),
      422,
      'IDEMPOTENCY_KEY_REUSED',
      'same key, other visibility',
    )
    expectError(
      t,
      await alice(withKey('create-1', { items: [body] }, '/v2/groups/batch')),
      422,
      'IDEMPOTENCY_KEY_REUSED',
      'same key on the batch route',
    )
    t.equal((await scanTable(app)).length, before, 'nothing was written')
  })

  await t.test('keys belong to one user of one tenant', async (t) => {
    const first = await alice(withKey('shared', body))
    t.equal(first.statusCode, 201, 'alice creates with the key')
    const byBob = await bob(withKey('shared', body))
    t.equal(byBob.statusCode, 201, 'bob (same tenant) gets his own 201')
    t.notOk(byBob.headers[REPLAYED], "bob's answer is not a replay")
    t.not(byBob.json().data.id, first.json().data.id, 'bob gets his own group')
    t.equal(byBob.json().data.userId, 'bob', "bob's group is bob's")
    const byGlobex = await gina(withKey('shared', body))
    t.equal(byGlobex.statusCode, 201, 'globex alice (same user id, other tenant) gets her own 201')
    t.notOk(byGlobex.headers[REPLAYED], "globex's answer is not a replay")
    t.equal(byGlobex.json().data.tenantId, 'globex', "the group is globex's")
    t.not(byGlobex.json().data.id, first.json().data.id, 'globex gets its own group')
    // Another body under the same key is fine for them too: the keys are not shared.
    const bobOther = await bob(withKey('create-1', { ...body, name: 'bob other' }))
    t.equal(bobOther.statusCode, 201, "alice's key create-1 is free for bob")
    // And each one's retry replays their own answer.
    expectReplay(t, byBob, await bob(withKey('shared', body)), 'bob retries')
    expectReplay(t, byGlobex, await gina(withKey('shared', body)), 'globex retries')
    expectReplay(t, first, await alice(withKey('shared', body)), 'alice retries')
  })

  await t.test('20 parallel requests with one key write once', async (t) => {
    const payload = { ...body, name: 'parallel' }
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => alice(withKey('parallel-1', payload))),
    )
    const created = responses.filter((response) => response.statusCode === 201)
    const fresh = created.filter((response) => !response.headers[REPLAYED])
    t.equal(fresh.length, 1, 'exactly one request ran')
    const original = fresh[0]
    for (const [index, response] of responses.entries()) {
      if (response.statusCode === 201) {
        t.equal(response.body, original?.body, `response ${index}: the one 201 (or its replay)`)
        continue
      }
      expectError(t, response, 409, 'CONFLICT', `response ${index}: still in progress`)
      t.match(response.headers['retry-after'], /^[1-9]\d*$/, `response ${index}: with Retry-After`)
    }
    const stored = (await storedGroups(app, 'acme')).filter((item) => item.name === 'parallel')
    t.equal(stored.length, 1, 'one group was written')
    const audit = (await storedAudit(app, 'acme')).filter((item) => item.entity_id === stored[0]?.id)
    t.equal(audit.length, 1, 'with one audit entry')
    expectReplay(
      t,
      original as LightMyRequestResponse,
      await alice(withKey('parallel-1', payload)),
      'a later retry',
    )
  })

  await t.test('POST /groups/batch and POST /users honour keys', async (t) => {
    const batch = {
      items: [
        { name: 'batch a', groupType: 'team' },
        { name: 'batch b', groupType: 'team' },
      ],
    }
    const first = await alice(withKey('batch-1', batch, '/v2/groups/batch'))
    t.equal(first.statusCode, 200, 'the batch runs')
    const ids = first.json().data.map((outcome: Json) => outcome.id)
    t.equal(ids.filter((id: unknown) => typeof id === 'string').length, 2, 'both items written')
    const groups = (await storedGroups(app, 'acme')).length
    expectReplay(t, first, await alice(withKey('batch-1', batch, '/v2/groups/batch')), 'batch retry')
    t.equal((await storedGroups(app, 'acme')).length, groups, 'the batch retry wrote nothing')
    expectError(
      t,
      await alice(withKey('batch-1', { items: [batch.items[0]] }, '/v2/groups/batch')),
      422,
      'IDEMPOTENCY_KEY_REUSED',
      'batch key with fewer items',
    )

    const user = { id: 'dave', email: 'dave@acme.example', name: 'Dave', phone: '+1 555 0199' }
    const created = await alice(withKey('user-1', user, '/v2/users'))
    t.equal(created.statusCode, 201, 'the user is created')
    expectReplay(t, created, await alice(withKey('user-1', user, '/v2/users')), 'user retry')
    expectError(
      t,
      await alice(withKey('user-1', { ...user, name: 'David' }, '/v2/users')),
      422,
      'IDEMPOTENCY_KEY_REUSED',
      'user key with another name',
    )
    // Without the key the same request is a second create: the email is taken.
    expectError(
      t,
      await alice({ method: 'POST', url: '/v2/users', payload: user }),
      409,
      'CONFLICT',
      'no key',
    )
    const users = (await scanTable(app)).filter((item) => item.model_name === 'user' && item.id === 'dave')
    t.equal(users.length, 1, 'one user dave')

    const root = app.as('platform', 'root', ['platform_admin'])
    const tenant = { id: 'initech', name: 'Initech' }
    const onboarded = await root(withKey('tenant-1', tenant, '/v2/tenants'))
    t.equal(onboarded.statusCode, 201, 'the tenant is created')
    expectReplay(t, onboarded, await root(withKey('tenant-1', tenant, '/v2/tenants')), 'tenant retry')
  })

  await t.test('the stored answer of POST /users holds no plaintext email or phone', async (t) => {
    // docs/api.md: email and phone are encrypted at rest; a response kept for replays is at rest too.
    const items = await scanTable(app)
    const records = items.filter((item) => item.model_name === 'idempotency_record')
    t.ok(records.length > 0, 'idempotency records are stored')
    for (const item of items) {
      const raw = JSON.stringify(item)
      t.notMatch(
        raw,
        'dave@acme.example',
        `${String(item.model_name)} ${String(item.pk)}: no plaintext email`,
      )
      t.notMatch(raw, '555 0199', `${String(item.model_name)} ${String(item.pk)}: no plaintext phone`)
    }
    // The replay still answers with the decrypted profile.
    const replay = await alice(
      withKey(
        'user-1',
        { id: 'dave', email: 'dave@acme.example', name: 'Dave', phone: '+1 555 0199' },
        '/v2/users',
      ),
    )
    t.match(
      replay.json().data,
      { email: 'dave@acme.example', phone: '+1 555 0199' },
      'the replay shows the values',
    )
  })
})

t.test('a failed or crashed request: the next retry with its key finishes the work, once', async (t) => {
  let offsetMs = 0
  const clock = () => new Date(Date.now() + offsetMs)
  const app = await buildTestApp(t, {
    env: { DYNAMODB_MAX_ATTEMPTS: '1', HTTP_REQUEST_TIMEOUT_MS: '70000' },
    clock,
  })
  const client = app.data
  const store = servicesOf(app.container).IdempotencyStore
  const alice = app.as('acme', 'alice', ['tenant_admin'])
  const body = { name: 'after a failure', groupType: 'team' }
  const request: InjectOptions = {
    method: 'POST',
    url: '/v2/groups',
    payload: body,
    headers: { 'idempotency-key': 'k-503' },
  }

  await t.test('a 5xx is not kept: the same key then succeeds', async (t) => {
    const fault = failAttempts(client, { operation: 'TransactWriteItems', attempts: 1, error: throttling })
    const failed = await alice(request)
    expectError(t, failed, 503, 'SERVICE_UNAVAILABLE', 'a throttled write')
    t.ok(Number(failed.headers['retry-after']) >= 1, 'with Retry-After')
    t.equal(fault.failed(), 1, 'the fault was hit')
    t.equal((await storedGroups(app, 'acme')).length, 0, 'nothing was written')
    const retry = await alice(request)
    t.equal(retry.statusCode, 201, 'the retry with the same key runs')
    t.notOk(retry.headers[REPLAYED], 'it is not a replay of the 503')
    expectReplay(t, retry, await alice(request), 'the next retry replays the 201')
    t.equal((await storedGroups(app, 'acme')).length, 1, 'one group in all')
  })

  await t.test("a crashed request's key frees itself when its lock lapses", async (t) => {
    const lockMs = 70_000
    const first = await store.claim('acme', 'alice', 'crash-1', 'hash-a')
    t.equal(first.state, 'claimed', 'the first claim takes the key')
    t.equal(
      (await store.claim('acme', 'alice', 'crash-1', 'hash-a')).state,
      'in_progress',
      'a second claim waits',
    )
    offsetMs = lockMs - 5_000
    t.equal(
      (await store.claim('acme', 'alice', 'crash-1', 'hash-a')).state,
      'in_progress',
      'still held just before the lock lapses',
    )
    offsetMs = lockMs + 1_000
    const second = await store.claim('acme', 'alice', 'crash-1', 'hash-a')
    t.equal(second.state, 'claimed', 'free once the lock has lapsed')

    // The crashed request coming back late may not overwrite the new holder's claim.
    const late: StoredResponse = { status: 201, headers: {}, body: '{"late":true}' }
    if (first.state === 'claimed') await store.complete(first.record, late)
    t.equal(
      (await store.claim('acme', 'alice', 'crash-1', 'hash-a')).state,
      'in_progress',
      "the late completion did not replace the new holder's claim",
    )
    const answer: StoredResponse = { status: 201, headers: { etag: '"1"' }, body: '{"ok":true}' }
    if (second.state === 'claimed') await store.complete(second.record, answer)
    t.same(
      await store.claim('acme', 'alice', 'crash-1', 'hash-a'),
      { state: 'completed', response: answer },
      "the new holder's answer is the one kept",
    )
    offsetMs = 0
  })

  await t.test(
    'over HTTP: a key whose request crashed waits for the lock, then the retry finishes',
    async (t) => {
      offsetMs = 0
      const crash: InjectOptions = { ...request, headers: { 'idempotency-key': 'k-crash' } }
      // The write fails and so does marking the key interrupted: as if the process died mid-request.
      failAttempts(client, { operation: 'TransactWriteItems', attempts: 1, error: throttling })
      const mark = failAttempts(client, {
        operation: 'PutItem',
        attempts: 1,
        error: throttling,
        when: (input) => (input as { Item: { status?: { S?: string } } }).Item.status?.S === 'interrupted',
      })
      expectError(t, await alice(crash), 503, 'SERVICE_UNAVAILABLE', 'the crashed request')
      t.equal(mark.failed(), 1, 'marking the key interrupted failed')
      const held = await alice(crash)
      expectError(t, held, 409, 'CONFLICT', 'a retry while the lock holds')
      const retryAfter = Number(held.headers['retry-after'])
      t.ok(
        retryAfter >= 1 && retryAfter <= 70,
        `with Retry-After up to the lock's lifetime (${retryAfter} s)`,
      )
      offsetMs = 71_000
      const retry = await alice(crash)
      t.equal(retry.statusCode, 201, 'a retry after the lock lapsed runs')
      t.notOk(retry.headers[REPLAYED], 'and is not a replay')
      offsetMs = 0
    },
  )

  await t.test('a create whose answer was lost is found by the retry, not made again', async (t) => {
    const lost: InjectOptions = {
      ...request,
      payload: { name: 'lost answer', groupType: 'team' },
      headers: { 'idempotency-key': 'k-lost' },
    }
    // DynamoDB applies the transaction, but the answer never reaches the app: 503 to the client.
    const fault = failAttempts(client, {
      operation: 'TransactWriteItems',
      attempts: 1,
      error: throttling,
      afterSend: true,
    })
    expectError(t, await alice(lost), 503, 'SERVICE_UNAVAILABLE', 'the request whose answer was lost')
    t.equal(fault.failed(), 1, 'the fault was hit after the write')
    const stored = (await storedGroups(app, 'acme')).filter((group) => group.name === 'lost answer')
    t.equal(stored.length, 1, 'the group was written all the same')
    const retry = await alice(lost)
    t.equal(retry.statusCode, 201, 'the retry answers 201 at once, without waiting for a lock')
    t.equal(retry.json().data.id, stored[0]?.id, 'naming the group the first attempt wrote')
    t.equal(retry.json().data.createdUtc, stored[0]?.created_utc, 'as it was created')
    expectReplay(t, retry, await alice(lost), 'the next retry replays that 201')
    const after = (await storedGroups(app, 'acme')).filter((group) => group.name === 'lost answer')
    t.equal(after.length, 1, 'still one group')
    const audit = (await storedAudit(app, 'acme')).filter((entry) => entry.entity_id === stored[0]?.id)
    t.equal(audit.length, 1, 'with one audit entry')
  })

  await t.test('a batch whose items were not all written is finished by a retry with its key', async (t) => {
    const items = Array.from({ length: 120 }, (_, index) => ({
      name: `unfinished ${index}`,
      groupType: 'batch',
    }))
    const batch: InjectOptions = {
      method: 'POST',
      url: '/v2/groups/batch',
      payload: { items },
      headers: { 'idempotency-key': 'k-unfinished' },
    }
    // One transaction is applied, but its answer is lost, and so is every retry's (the same token).
    let token: string | undefined
    const fault = failAttempts(client, {
      operation: 'TransactWriteItems',
      attempts: app.config.dynamodb.batchMaxAttempts,
      error: throttling,
      afterSend: true,
      when: (input) => {
        token ??= (input as { ClientRequestToken: string }).ClientRequestToken
        return (input as { ClientRequestToken: string }).ClientRequestToken === token
      },
    })
    const first = await alice(batch)
    t.equal(first.statusCode, 200, 'the batch answers with an outcome per item')
    t.equal(fault.failed(), app.config.dynamodb.batchMaxAttempts, 'every attempt of one transaction failed')
    const failed = first.json().data.filter((outcome: Json) => 'error' in outcome)
    t.ok(failed.length > 0, `${failed.length} items were reported not written`)
    const retry = await alice(batch)
    t.equal(
      retry.statusCode,
      200,
      'the retry with the key runs again rather than replaying the unfinished answer',
    )
    t.notOk(retry.headers[REPLAYED])
    const outcomes = retry.json().data as Json[]
    t.ok(
      outcomes.every((outcome) => 'id' in outcome),
      'every item is written now',
    )
    const stored = (await storedGroups(app, 'acme')).filter((group) =>
      String(group.name).startsWith('unfinished '),
    )
    t.equal(stored.length, items.length, 'one group per item, none twice')
    t.strictSame(
      new Set(stored.map((group) => group.id)),
      new Set(outcomes.map((outcome) => outcome.id)),
      'the ids answered are the ones stored',
    )
    for (const outcome of first.json().data as Json[]) {
      if ('id' in outcome)
        t.equal(outcomes[outcome.index as number]?.id, outcome.id, `item ${outcome.index} kept its id`)
    }
    expectReplay(t, retry, await alice(batch), 'the finished answer is kept')
  })
})

t.test('every acknowledged write has exactly one audit entry', async (t) => {
  const app = await buildTestApp(t)
  const writers: Record<string, Client> = {
    alice: app.as('acme', 'alice', ['tenant_admin']),
    bob: app.as('acme', 'bob', ['member']),
  }
  const auditBefore = (await storedAudit(app, 'acme')).length
  t.equal(auditBefore, 0, 'the log starts empty')

  interface Ack {
    groupId: string
    userId: string
    action: 'create' | 'update' | 'delete'
    name?: string
    version?: number
  }
  const acks: Ack[] = []
  const statuses: Record<string, number[]> = { create: [], update: [], delete: [] }

  // Creates: both users at once.
  const creates = await Promise.all(
    Array.from({ length: 16 }, (_, i) => {
      const userId = i % 2 === 0 ? 'alice' : 'bob'
      return (writers[userId] as Client)({
        method: 'POST',
        url: '/v2/groups',
        payload: { name: `burst ${i}`, groupType: 'team', privacySettings: { visibility: 'tenant' } },
      }).then((response) => ({ response, userId }))
    }),
  )
  const groups: { id: string; owner: string }[] = []
  for (const { response, userId } of creates) {
    statuses.create?.push(response.statusCode)
    if (response.statusCode !== 201) continue
    const group = response.json().data
    groups.push({ id: group.id, owner: userId })
    acks.push({ groupId: group.id, userId, action: 'create', name: group.name, version: group.version })
  }
  t.equal(groups.length, 16, 'every create was acknowledged')

  // Then patches by both users (bob only owns his) racing with deletes of every third group.
  const writes: Promise<void>[] = []
  for (const [index, group] of groups.entries()) {
    for (const userId of ['alice', 'bob', 'alice', 'bob']) {
      const name = `${userId} ${index} ${writes.length}`
      writes.push(
        (writers[userId] as Client)({
          method: 'PATCH',
          url: `/v2/groups/${group.id}`,
          payload: { name },
        }).then((response) => {
          statuses.update?.push(response.statusCode)
          if (response.statusCode !== 200) return
          const changed = response.json().data
          acks.push({ groupId: group.id, userId, action: 'update', name, version: changed.version })
        }),
      )
    }
    if (index % 3 === 0) {
      for (const userId of [group.owner, 'alice']) {
        writes.push(
          (writers[userId] as Client)({ method: 'DELETE', url: `/v2/groups/${group.id}` }).then(
            (response) => {
              statuses.delete?.push(response.statusCode)
              if (response.statusCode === 204) acks.push({ groupId: group.id, userId, action: 'delete' })
            },
          ),
        )
      }
    }
  }
  await Promise.all(writes)
  const tally = (list: number[] = []) =>
    [...new Set(list)].sort().map((status) => `${status}×${list.filter((s) => s === status).length}`)
  t.comment(`patches: ${tally(statuses.update).join(' ')}; deletes: ${tally(statuses.delete).join(' ')}`)

  t.ok(
    statuses.update?.every((status) => [200, 403, 404, 409].includes(status)),
    'every patch was applied, forbidden, too late (deleted) or a conflict',
    { statuses: statuses.update },
  )
  t.ok(
    statuses.delete?.every((status) => [204, 404, 409].includes(status)),
    'every delete was applied, too late or a conflict',
    { statuses: statuses.delete },
  )
  t.ok(
    acks.some((ack) => ack.action === 'update'),
    'some patches were acknowledged',
  )
  t.ok(
    acks.some((ack) => ack.action === 'delete'),
    'some deletes were acknowledged',
  )

  const admin = writers.alice as Client
  let entriesSeen = 0
  for (const group of groups) {
    const mine = acks.filter((ack) => ack.groupId === group.id)
    const history = await admin({
      method: 'GET',
      url: `/v2/audit?entityType=group&entityId=${group.id}&limit=100`,
    })
    t.equal(history.statusCode, 200, `history of ${group.id}`)
    const entries = history.json().data as Json[]
    entriesSeen += entries.length
    t.equal(entries.length, mine.length, `${group.id}: one audit entry per acknowledged write`, {
      acks: mine.map((ack) => `${ack.action} ${ack.userId} ${ack.name ?? ''}`),
      entries: entries.map((entry) => `${entry.action} ${entry.userId}`),
    })
    const summary = (items: { action: unknown; userId: unknown; name?: unknown }[]) =>
      items
        .map((item) => `${String(item.action)} by ${String(item.userId)} ${String(item.name ?? '')}`)
        .sort()
    t.same(
      summary(
        entries.map((entry) => ({
          action: entry.action,
          userId: entry.userId,
          name: entry.action === 'delete' ? '' : (entry.newValues as Json | null)?.name,
        })),
      ),
      summary(
        mine.map((ack) => ({
          action: ack.action,
          userId: ack.userId,
          name: ack.action === 'delete' ? '' : ack.name,
        })),
      ),
      `${group.id}: the entries are exactly the acknowledged writes (action, user, new name)`,
    )
    const updates = mine.filter((ack) => ack.action === 'update')
    const versions = updates.map((ack) => ack.version)
    t.equal(
      new Set(versions).size,
      versions.length,
      `${group.id}: no two acknowledged updates share a version`,
    )
    const deleted = mine.some((ack) => ack.action === 'delete')
    t.ok(mine.filter((ack) => ack.action === 'delete').length <= 1, `${group.id}: deleted at most once`)
    const read = await admin({ method: 'GET', url: `/v2/groups/${group.id}` })
    if (deleted) {
      t.equal(read.statusCode, 404, `${group.id}: deleted`)
      continue
    }
    const latest = updates.sort((a, b) => (b.version ?? 0) - (a.version ?? 0))[0]
    t.match(
      read.json().data,
      { version: 1 + updates.length, name: latest?.name ?? `burst ${groups.indexOf(group)}` },
      `${group.id}: its version counts every acknowledged update and the last one's name stands`,
    )
  }
  t.equal(entriesSeen, acks.length, 'the histories hold as many entries as there were acknowledgements')
  t.equal((await storedAudit(app, 'acme')).length, acks.length, 'the whole log holds nothing else')
})
