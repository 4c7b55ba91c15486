import t from 'tap'
import { ItemCache } from '../../src/db/item-cache.js'
import { Metrics } from '../../src/observability/metrics.js'

/** A cache on a clock the test moves by hand. */
function cacheAt(options: { ttlMs: number; maxEntries: number }, metrics?: Metrics) {
  const clock = { now: 1_000_000 }
  const cache = new ItemCache({ ...options, now: () => clock.now }, metrics)
  return { cache, clock }
}

const item = (name: string) => ({ pk: `tenant#acme#group#${name}`, sk: `group#${name}`, name })

function put(cache: ItemCache, name: string, tenantId = 'acme') {
  const stored = item(name)
  cache.set(tenantId, stored.pk, stored.sk, stored)
  return stored
}

function read(cache: ItemCache, name: string, tenantId = 'acme') {
  const { pk, sk } = item(name)
  return cache.get(tenantId, pk, sk)
}

async function counter(metrics: Metrics, name: string): Promise<number> {
  const metric = metrics.registry.getSingleMetric(name)
  if (!metric) throw new Error(`no metric ${name}`)
  const { values } = await metric.get()
  return values.reduce((sum, sample) => sum + sample.value, 0)
}

t.test('a set item is read back until its ttl runs out, and not at the ttl', async (t) => {
  const { cache, clock } = cacheAt({ ttlMs: 100, maxEntries: 10 })
  t.equal(read(cache, 'a'), undefined, 'nothing before a set')
  const stored = put(cache, 'a')
  t.strictSame(read(cache, 'a'), stored)
  t.equal(read(cache, 'a')?.name, 'a')

  clock.now += 99
  t.equal(read(cache, 'a')?.name, 'a', 'still there 1 ms before the ttl')
  clock.now += 1
  t.equal(read(cache, 'a'), undefined, 'gone exactly at the ttl')
  t.equal(cache.size, 0, 'the expired entry is dropped, not kept')
})

t.test('a hit does not extend the ttl; a new set does', async (t) => {
  const { cache, clock } = cacheAt({ ttlMs: 100, maxEntries: 10 })
  put(cache, 'a')
  clock.now += 60
  t.ok(read(cache, 'a'))
  clock.now += 40
  t.equal(read(cache, 'a'), undefined, 'reading it at 60 ms did not make it live longer')

  put(cache, 'b')
  clock.now += 60
  put(cache, 'b')
  clock.now += 60
  t.ok(read(cache, 'b'), 'the second set started a new ttl')
})

t.test('the least recently used entry is evicted, and reading an entry makes it recent', async (t) => {
  const { cache } = cacheAt({ ttlMs: 60_000, maxEntries: 3 })
  put(cache, 'a')
  put(cache, 'b')
  put(cache, 'c')
  t.ok(read(cache, 'a'), 'a, the oldest, is read')
  put(cache, 'd')
  t.equal(cache.size, 3)
  t.equal(read(cache, 'b'), undefined, 'b, now the least recent, was evicted')
  t.ok(read(cache, 'a'), 'a was kept')
  t.ok(read(cache, 'c'))
  t.ok(read(cache, 'd'))

  // a, c and d were just read in that order, so a is now the least recent.
  put(cache, 'e')
  t.equal(read(cache, 'a'), undefined, 'a is evicted once it is the least recent')
  t.ok(read(cache, 'c'))
  t.ok(read(cache, 'd'))
  t.ok(read(cache, 'e'))
})

t.test('setting an existing key replaces it without evicting anything', async (t) => {
  const { cache } = cacheAt({ ttlMs: 60_000, maxEntries: 3 })
  put(cache, 'a')
  put(cache, 'b')
  put(cache, 'c')
  cache.set('acme', item('a').pk, item('a').sk, { ...item('a'), name: 'a2' })
  t.equal(cache.size, 3)
  t.equal(read(cache, 'a')?.name, 'a2')
  t.ok(read(cache, 'b'))
  t.ok(read(cache, 'c'))
})

t.test('the size never exceeds maxEntries', async (t) => {
  const { cache } = cacheAt({ ttlMs: 60_000, maxEntries: 5 })
  for (let i = 0; i < 50; i++) {
    put(cache, `item${i}`)
    t.ok(cache.size <= 5, `size ${cache.size} after ${i + 1} sets`)
  }
  t.equal(cache.size, 5)
  for (let i = 45; i < 50; i++) t.ok(read(cache, `item${i}`), `item${i}, among the last five, is kept`)
  for (let i = 0; i < 45; i++) t.equal(read(cache, `item${i}`), undefined)
})

t.test('invalidate removes an entry', async (t) => {
  const { cache } = cacheAt({ ttlMs: 60_000, maxEntries: 10 })
  put(cache, 'a')
  put(cache, 'b')
  cache.invalidate('acme', item('a').pk, item('a').sk)
  t.equal(read(cache, 'a'), undefined)
  t.ok(read(cache, 'b'), 'other entries stay')
  t.equal(cache.size, 1)
  cache.invalidate('acme', item('missing').pk, item('missing').sk)
  t.equal(cache.size, 1, 'invalidating a missing key is harmless')
})

t.test('clear drops every entry, and a read that started before it stores nothing', async (t) => {
  const { cache } = cacheAt({ ttlMs: 60_000, maxEntries: 10 })
  put(cache, 'a')
  put(cache, 'b', 'globex')
  const token = cache.readToken()
  cache.clear()
  t.equal(cache.size, 0)
  t.equal(read(cache, 'a'), undefined)
  const stale = item('c')
  cache.set('acme', stale.pk, stale.sk, stale, token)
  t.equal(read(cache, 'c'), undefined, 'what a read from before the clear found is not kept')
  const fresh = item('d')
  cache.set('acme', fresh.pk, fresh.sk, fresh, cache.readToken())
  t.ok(read(cache, 'd'), 'a read after the clear is kept')
})

t.test('ttlMs 0 or maxEntries 0 turns the cache off', async (t) => {
  for (const options of [
    { ttlMs: 0, maxEntries: 10 },
    { ttlMs: 60_000, maxEntries: 0 },
  ]) {
    const metrics = new Metrics()
    const { cache } = cacheAt(options, metrics)
    t.equal(cache.enabled, false, JSON.stringify(options))
    put(cache, 'a')
    t.equal(cache.size, 0, 'nothing stored')
    t.equal(read(cache, 'a'), undefined, 'never a hit')
    t.equal(await counter(metrics, 'cache_hits_total'), 0)
    t.equal(await counter(metrics, 'cache_entries'), 0)
  }
  t.equal(cacheAt({ ttlMs: 1, maxEntries: 1 }).cache.enabled, true)
})

t.test('entries are kept apart by tenant', async (t) => {
  const { cache } = cacheAt({ ttlMs: 60_000, maxEntries: 10 })
  const { pk, sk } = item('shared')
  cache.set('a', pk, sk, { pk, sk, owner: 'a' })
  t.equal(cache.get('b', pk, sk), undefined, "tenant b does not see tenant a's entry")
  cache.set('b', pk, sk, { pk, sk, owner: 'b' })
  t.equal(cache.size, 2, 'two separate entries')
  t.equal(cache.get('a', pk, sk)?.owner, 'a')
  t.equal(cache.get('b', pk, sk)?.owner, 'b')
  cache.invalidate('a', pk, sk)
  t.equal(cache.get('a', pk, sk), undefined)
  t.equal(cache.get('b', pk, sk)?.owner, 'b', "invalidating a's entry leaves b's")
})

t.test('the parts of a key cannot run into each other', async (t) => {
  const { cache } = cacheAt({ ttlMs: 60_000, maxEntries: 10 })
  cache.set('a', 'x#y', 'z', { owner: 'first' })
  t.equal(cache.get('a', 'x', 'y#z'), undefined)
  t.equal(cache.get('a#x', 'y', 'z'), undefined)
})

t.test('stored items are frozen', async (t) => {
  const { cache } = cacheAt({ ttlMs: 60_000, maxEntries: 10 })
  put(cache, 'a')
  const cached = read(cache, 'a') as Record<string, unknown>
  t.ok(Object.isFrozen(cached))
  t.throws(() => {
    cached.name = 'changed'
  }, TypeError)
  t.equal(read(cache, 'a')?.name, 'a', 'a later read sees the item as stored')
})

t.test('metrics count hits, misses and evictions, and the entries gauge follows the size', async (t) => {
  const metrics = new Metrics()
  const { cache, clock } = cacheAt({ ttlMs: 100, maxEntries: 2 }, metrics)
  const value = async (name: string) => counter(metrics, name)

  t.equal(read(cache, 'a'), undefined)
  t.equal(await value('cache_misses_total'), 1)
  t.equal(await value('cache_hits_total'), 0)

  put(cache, 'a')
  t.equal(await value('cache_entries'), 1)
  read(cache, 'a')
  read(cache, 'a')
  t.equal(await value('cache_hits_total'), 2)
  t.equal((await metrics.cacheHits.get()).values[0]?.value, 2)

  put(cache, 'b')
  t.equal(await value('cache_entries'), 2)
  put(cache, 'c')
  t.equal(await value('cache_evictions_total'), 1, 'a third entry evicts one')
  t.equal(await value('cache_entries'), 2, 'the gauge stays at the bound')
  put(cache, 'd')
  t.equal(await value('cache_evictions_total'), 2)

  cache.invalidate('acme', item('d').pk, item('d').sk)
  t.equal(await value('cache_entries'), 1, 'the gauge follows an invalidation')
  t.equal(await value('cache_evictions_total'), 2, 'an invalidation is not an eviction')

  clock.now += 100
  t.equal(read(cache, 'c'), undefined, 'expired')
  t.equal(await value('cache_entries'), 0, 'the gauge follows an expiry')
  t.equal(await value('cache_misses_total'), 2, 'an expired entry counts as a miss')
  t.equal(await value('cache_hits_total'), 2)
  t.equal(cache.size, 0)

  const text = await metrics.registry.getSingleMetricAsString('cache_hits_total')
  t.match(text, /^cache_hits_total 2$/m)
})
