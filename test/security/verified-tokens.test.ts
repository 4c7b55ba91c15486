import t from 'tap'
import { VerifiedTokens } from '../../src/security/verified-tokens.js'

const alice = { tenantId: 'acme', userId: 'alice', roles: ['member'] as const }

function tokens(options: Partial<ConstructorParameters<typeof VerifiedTokens>[0]> = {}) {
  let now = 1_000_000
  const cache = new VerifiedTokens({
    maxEntries: 3,
    maxAgeMs: 60_000,
    maxTokenLength: 100,
    now: () => now,
    ...options,
  })
  const advance = (ms: number) => {
    now += ms
  }
  return { cache, advance, seconds: (ms: number) => (now + ms) / 1000 }
}

t.test('a remembered token answers until its exp claim', async (t) => {
  const { cache, advance, seconds } = tokens()
  cache.remember('Bearer a', alice, seconds(10_000))
  t.strictSame(cache.get('Bearer a'), alice)
  t.equal(cache.get('Bearer b'), undefined, 'another text is another token')
  advance(9_999)
  t.ok(cache.get('Bearer a'), 'still valid a moment before exp')
  advance(1)
  t.equal(cache.get('Bearer a'), undefined, 'gone at exp')
  t.equal(cache.size, 0)
})

t.test('no entry outlives maxAgeMs, whatever the exp', async (t) => {
  const { cache, advance, seconds } = tokens()
  cache.remember('Bearer a', alice, seconds(3_600_000))
  advance(59_999)
  t.ok(cache.get('Bearer a'))
  advance(1)
  t.equal(cache.get('Bearer a'), undefined)
})

t.test('expired and over-long tokens are not remembered', async (t) => {
  const { cache, seconds } = tokens()
  cache.remember('Bearer old', alice, seconds(-1))
  cache.remember(`Bearer ${'x'.repeat(100)}`, alice, seconds(10_000))
  t.equal(cache.size, 0)
})

t.test('the oldest entry goes when the cache is full', async (t) => {
  const { cache, seconds } = tokens()
  for (const name of ['a', 'b', 'c', 'd']) cache.remember(`Bearer ${name}`, alice, seconds(10_000))
  t.equal(cache.size, 3)
  t.equal(cache.get('Bearer a'), undefined)
  t.ok(cache.get('Bearer d'))
})

t.test('an identity handed out cannot be changed', async (t) => {
  const { cache, seconds } = tokens()
  const roles = ['member'] as ('member' | 'tenant_admin')[]
  cache.remember('Bearer a', { ...alice, roles }, seconds(10_000))
  roles.push('tenant_admin')
  const identity = cache.get('Bearer a')
  t.strictSame(identity?.roles, ['member'], 'a later change to the claims array does not reach the cache')
  t.ok(Object.isFrozen(identity) && Object.isFrozen(identity?.roles))
})
