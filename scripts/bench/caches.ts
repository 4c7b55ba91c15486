// `npm run bench:caches`: the two caches every request passes through — the item cache (a read by
// id) and the verified tokens (the bearer token) — hits, misses and sets, with metrics attached as
// in the server. `-- --quick`: fewer keys and one short round (for CI).
import { ok } from 'node:assert/strict'
import { Command } from 'commander'
import { ItemCache } from '../../src/db/item-cache.js'
import { Metrics } from '../../src/observability/metrics.js'
import { VerifiedTokens } from '../../src/security/verified-tokens.js'
import { type Case, formatCount, opsPerSecond, printTable } from './measure.js'

const { quick } = new Command('bench:caches')
  .option('--quick', 'fewer keys, one short round', false)
  .parse()
  .opts<{ quick: boolean }>()
const KEYS = quick ? 100 : 1_000
const ROUNDS = quick ? 1 : 5
const TIME_PER_ROUND_MS = quick ? 20 : 300
const WARMUP_MS = quick ? 10 : undefined

const items = new ItemCache({ ttlMs: 600_000, maxEntries: 10_000 }, new Metrics())
const keys = Array.from({ length: KEYS }, (_, i) => ({
  pk: `tenant#acme#group#${i.toString().padStart(26, '0')}`,
  sk: `group#${i.toString().padStart(26, '0')}`,
}))
for (const { pk, sk } of keys) items.set('acme', pk, sk, { pk, sk, name: 'a group', version: 1 })
const missing = keys.map(({ pk, sk }) => ({ pk: `${pk}x`, sk }))
// Its own cache, so that the other cases keep their hits.
const invalidated = new ItemCache({ ttlMs: 600_000, maxEntries: 10_000 }, new Metrics())

const tokens = new VerifiedTokens({ maxEntries: 10_000, maxAgeMs: 600_000, maxTokenLength: 8_192 })
const bearers = keys.map((_, i) => `Bearer eyJhbGciOiJIUzI1NiJ9.${'x'.repeat(300)}.${i}`)
const identity = { tenantId: 'acme', userId: 'alice', roles: ['member' as const] }
const expires = Date.now() / 1000 + 3_600
for (const bearer of bearers) tokens.remember(bearer, identity, expires)

let sink: unknown
const cases: Case[] = [
  {
    name: 'item cache get (hit)',
    opsPerCall: KEYS,
    run: () => {
      for (const { pk, sk } of keys) sink = items.get('acme', pk, sk)
    },
  },
  {
    name: 'item cache get (miss)',
    opsPerCall: KEYS,
    run: () => {
      for (const { pk, sk } of missing) sink = items.get('acme', pk, sk)
    },
  },
  {
    name: 'item cache readToken + set',
    opsPerCall: KEYS,
    run: () => {
      for (const { pk, sk } of keys) items.set('acme', pk, sk, { pk, sk }, items.readToken())
    },
  },
  {
    name: 'item cache invalidate',
    opsPerCall: KEYS,
    run: () => {
      for (const { pk, sk } of keys) invalidated.invalidate('acme', pk, sk)
    },
  },
  {
    name: 'verified tokens get (hit)',
    opsPerCall: KEYS,
    run: () => {
      for (const bearer of bearers) sink = tokens.get(bearer)
    },
  },
]

ok(items.get('acme', keys[0]?.pk ?? '', keys[0]?.sk ?? ''), 'the item cache answers')
ok(tokens.get(bearers[0] ?? ''), 'the verified tokens answer')
console.log(`Caches: ${KEYS} keys per call; median of ${ROUNDS} rounds × ${TIME_PER_ROUND_MS} ms per case\n`)
const results = await opsPerSecond(cases, { rounds: ROUNDS, timeMs: TIME_PER_ROUND_MS, warmupMs: WARMUP_MS })
ok(sink !== null)
printTable(
  ['case', 'ops/s', 'ns/op'],
  cases.map(({ name }) => {
    const perSecond = results.get(name) as number
    return [name, formatCount(perSecond), (1e9 / perSecond).toFixed(0)]
  }),
)
