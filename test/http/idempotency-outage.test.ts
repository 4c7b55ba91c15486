// One Idempotency-Key never creates twice, whatever fails and whenever it is retried: eight clients
// keep retrying their creates, each with its own key, while DynamoDB Local is frozen (SIGSTOP) and
// thawed again and again. Calls in flight when it freezes time out in the app (503) and are then
// applied by DynamoDB Local when it thaws, after their client has already retried. In the end
// every key has exactly one group with one audit entry, every 201 for a key names that group, and
// no key was refused as "in progress" for longer than the lock's lifetime.
import { setTimeout as sleep } from 'node:timers/promises'
import type { LightMyRequestResponse } from 'fastify'
import t from 'tap'
import { startDynamoDbLocal } from '../../scripts/dynamodb-local.js'
import { buildTestApp } from '../helpers/app.js'
import { storedAudit, storedGroups } from '../helpers/table.js'

const CLIENTS = 8
// The lock's lifetime is the HTTP request timeout (which must sit above the keep-alive timeout).
const LOCK_MS = 2_500
const FREEZES = 4
const FROZEN_MS = 1_500
const THAWED_MS = 600
const GIVE_UP_AFTER_MS = 40_000

t.test('idempotent creates while DynamoDB freezes and thaws: one group per key', async (t) => {
  const local = await startDynamoDbLocal()
  t.teardown(() => local.stop())
  const app = await buildTestApp(t, {
    endpoint: local.endpoint,
    env: {
      DYNAMODB_REQUEST_TIMEOUT_MS: '300',
      DYNAMODB_MAX_ATTEMPTS: '2',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000',
      HTTP_REQUEST_TIMEOUT_MS: String(LOCK_MS),
    },
  })
  const alice = app.as('acme', 'alice', ['tenant_admin'])

  const statuses = new Map<number, number>()
  const longestRefusal: number[] = []
  const createdIds: Set<string>[] = []
  let clientsDone = 0

  const client = async (index: number) => {
    const ids = new Set<string>()
    createdIds[index] = ids
    longestRefusal[index] = 0
    let refusedSince: number | undefined
    const started = Date.now()
    let created = false
    while (Date.now() - started < GIVE_UP_AFTER_MS) {
      const response: LightMyRequestResponse = await alice({
        method: 'POST',
        url: '/v2/groups',
        headers: { 'idempotency-key': `outage-${index}` },
        payload: { name: `outage ${index}`, groupType: 'team' },
      })
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1)
      if (response.statusCode === 409) {
        t.match(response.headers['retry-after'], /^\d+$/, 'a 409 for a key in progress has Retry-After')
        refusedSince ??= Date.now()
        longestRefusal[index] = Math.max(longestRefusal[index] ?? 0, Date.now() - refusedSince)
      } else refusedSince = undefined
      if (response.statusCode === 201) {
        ids.add(response.json().data.id)
        // Keep retrying a little after success too: replays must name the same group.
        if (created) break
        created = true
      } else if (response.statusCode !== 503 && response.statusCode !== 409) {
        t.fail(`unexpected ${response.statusCode}: ${response.body.slice(0, 200)}`)
        break
      }
      await sleep(50 + Math.random() * 100)
    }
    t.ok(created, `client ${index} got its 201`)
    clientsDone++
  }

  const freezer = async () => {
    await sleep(100)
    for (let round = 0; round < FREEZES && clientsDone < CLIENTS; round++) {
      local.pause()
      await sleep(FROZEN_MS)
      local.resume()
      await sleep(THAWED_MS + Math.random() * 300)
    }
  }

  await Promise.all([freezer(), ...Array.from({ length: CLIENTS }, (_, index) => client(index))])
  t.comment(`statuses seen: ${JSON.stringify(Object.fromEntries(statuses))}`)
  t.ok((statuses.get(503) ?? 0) > 0, 'the freezes did make requests fail')

  // Writes DynamoDB Local applied late are in by now; give it a moment to finish what it read.
  await sleep(500)
  const groups = await storedGroups(app, 'acme')
  const audit = await storedAudit(app, 'acme')
  for (let index = 0; index < CLIENTS; index++) {
    const stored = groups.filter((group) => group.name === `outage ${index}`)
    t.equal(stored.length, 1, `key ${index}: exactly one group stored`)
    t.strictSame([...(createdIds[index] ?? [])], [stored[0]?.id], `key ${index}: every 201 named that group`)
    const entries = audit.filter((entry) => entry.entity_id === stored[0]?.id)
    t.equal(entries.length, 1, `key ${index}: one audit entry`)
    t.ok(
      (longestRefusal[index] ?? 0) <= LOCK_MS + 1_000,
      `key ${index}: refused as in progress for ${longestRefusal[index]} ms at most`,
    )
  }
  t.equal(groups.length, CLIENTS, 'no other group was stored')
})
