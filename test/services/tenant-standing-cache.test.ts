import t from 'tap'
import type { TableGateway } from '../../src/db/table-gateway.js'
import { Tenant } from '../../src/models/index.js'
import { TenantStandingCache } from '../../src/services/tenant-standing-cache.js'

/** A gateway that answers reads of tenants from a map, counting them; `failNext` rejects one read. */
function fakeGateway() {
  const tenants = new Map<string, Partial<Tenant>>()
  const state = { reads: 0, failNext: false }
  const gateway = {
    get: async (_modelClass: unknown, tenantId: string) => {
      state.reads++
      await Promise.resolve()
      if (state.failNext) {
        state.failNext = false
        throw new Error('DynamoDB unavailable')
      }
      const stored = tenants.get(tenantId)
      return stored && Object.assign(new Tenant(), stored)
    },
  } as unknown as TableGateway
  return { gateway, tenants, state }
}

function cacheAt(ttlMs = 1_000) {
  const clock = { now: 5_000 }
  const fake = fakeGateway()
  return { ...fake, clock, cache: new TenantStandingCache(fake.gateway, { ttlMs, now: () => clock.now }) }
}

t.test('a tenant without a record is active on the default tier', async (t) => {
  const { cache } = cacheAt()
  t.strictSame(await cache.standingOf('acme'), { status: 'active', tier: 'standard' })
})

t.test('a standing is read once within the TTL and again at the TTL', async (t) => {
  const { cache, tenants, state, clock } = cacheAt()
  tenants.set('acme', { status: 'suspended', tier: 'premium' })
  t.strictSame(await cache.standingOf('acme'), { status: 'suspended', tier: 'premium' })
  tenants.set('acme', { status: 'active', tier: 'premium' })
  clock.now += 999
  t.equal((await cache.standingOf('acme')).status, 'suspended', 'cached')
  t.equal(state.reads, 1)
  clock.now += 1
  t.equal((await cache.standingOf('acme')).status, 'active', 'read again')
  t.equal(state.reads, 2)
})

t.test('concurrent requests share one read; the standing is known once it has answered', async (t) => {
  const { cache, state } = cacheAt()
  const pending = [cache.standingOf('acme'), cache.standingOf('acme'), cache.standingOf('acme')]
  t.equal(cache.knownStandingOf('acme'), undefined, 'not known while the read is under way')
  await Promise.all(pending)
  t.equal(state.reads, 1)
  t.strictSame(cache.knownStandingOf('acme'), { status: 'active', tier: 'standard' })
  t.equal(cache.knownStandingOf('other'), undefined)
})

t.test('a failed read is not remembered', async (t) => {
  const { cache, state } = cacheAt()
  state.failNext = true
  await t.rejects(cache.standingOf('acme'))
  t.strictSame(await cache.standingOf('acme'), { status: 'active', tier: 'standard' })
  t.equal(state.reads, 2)
})

t.test('forget makes the next request read', async (t) => {
  const { cache, state } = cacheAt()
  await cache.standingOf('acme')
  cache.forget('acme')
  t.equal(cache.knownStandingOf('acme'), undefined)
  await cache.standingOf('acme')
  t.equal(state.reads, 2)
})

t.test('forget is announced; forgetHere (another instance forgot) and clear are not', async (t) => {
  const fake = fakeGateway()
  const announced: string[] = []
  const cache = new TenantStandingCache(fake.gateway, {
    ttlMs: 60_000,
    onForget: (tenantId) => announced.push(tenantId),
  })
  await Promise.all([cache.standingOf('acme'), cache.standingOf('globex')])
  cache.forget('acme')
  cache.forgetHere('globex')
  t.strictSame(announced, ['acme'])
  t.equal(cache.knownStandingOf('globex'), undefined, 'forgetHere drops the standing')
  await cache.standingOf('globex')
  cache.clear()
  t.equal(cache.knownStandingOf('globex'), undefined, 'clear drops every standing')
  t.strictSame(announced, ['acme'])
  t.equal(fake.state.reads, 3)
})

t.test('a TTL of 0 reads every time', async (t) => {
  const { cache, state } = cacheAt(0)
  await cache.standingOf('acme')
  await cache.standingOf('acme')
  t.equal(state.reads, 2)
})

t.test('the cache is bounded: the least recently used tenant goes first', async (t) => {
  const { cache, state } = cacheAt()
  await cache.standingOf('first')
  for (let i = 0; i < 10_000; i++) await cache.standingOf(`tenant${i}`)
  const reads = state.reads
  await cache.standingOf('tenant9999')
  t.equal(state.reads, reads, 'a recent tenant is still cached')
  await cache.standingOf('first')
  t.equal(state.reads, reads + 1, 'the first tenant was evicted')
})
