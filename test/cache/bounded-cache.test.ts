import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { BoundedCache, type BoundedCacheOptions, type RemovalReason } from '../../src/cache/bounded-cache.js'

/** A cache on a clock the test moves by hand. */
function cacheAt(options: Omit<BoundedCacheOptions, 'now'>, start = 1_000_000) {
  const clock = { now: start }
  const cache = new BoundedCache<string, string>({ ...options, now: () => clock.now })
  return { cache, clock }
}

t.test('an entry answers until its ttl has passed, and not at the ttl', async (t) => {
  const { cache, clock } = cacheAt({ maxEntries: 10, ttlMs: 100 })
  cache.set('a', 'A')
  clock.now += 99
  t.equal(cache.get('a'), 'A', '1 ms before')
  clock.now += 1
  t.equal(cache.get('a'), undefined, 'at the ttl')
  t.equal(cache.size, 0, 'dropped when met')
})

t.test('a clock that starts at 0 still expires entries', async (t) => {
  const { cache, clock } = cacheAt({ maxEntries: 10, ttlMs: 100 }, 0)
  cache.set('a', 'A')
  clock.now = 100
  t.equal(cache.get('a'), undefined)
})

t.test('a ttl of 1 ms ends after 1 ms; fractions of a millisecond count', async (t) => {
  const { cache, clock } = cacheAt({ maxEntries: 10, ttlMs: 1 })
  cache.set('a', 'A')
  clock.now += 0.999
  t.equal(cache.get('a'), 'A')
  clock.now += 0.001
  t.equal(cache.get('a'), undefined)
})

t.test('an entry may have a ttl of its own', async (t) => {
  const { cache, clock } = cacheAt({ maxEntries: 10, ttlMs: 1_000 })
  cache.set('short', 'S', 10)
  cache.set('long', 'L')
  cache.set('never', 'N', 0)
  t.equal(cache.get('never'), undefined, 'a ttl of 0 stores nothing')
  clock.now += 10
  t.equal(cache.get('short'), undefined)
  t.equal(cache.get('long'), 'L')
})

t.test('without a ttl, entries stay until evicted; the least recently used goes first', async (t) => {
  const { cache, clock } = cacheAt({ maxEntries: 2 })
  cache.set('a', 'A')
  cache.set('b', 'B')
  clock.now += 1e9
  t.equal(cache.get('a'), 'A', 'a is now the most recent')
  cache.set('c', 'C')
  t.equal(cache.peek('b'), undefined, 'b was evicted')
  t.equal(cache.peek('a'), 'A')
  t.equal(cache.size, 2)
})

t.test('peek leaves the LRU order alone', async (t) => {
  const { cache } = cacheAt({ maxEntries: 2 })
  cache.set('a', 'A')
  cache.set('b', 'B')
  t.equal(cache.peek('a'), 'A')
  cache.set('c', 'C')
  t.equal(cache.peek('a'), undefined, 'a was still the least recent')
})

t.test('maxEntries 0 or ttlMs 0 keep nothing', async (t) => {
  for (const options of [{ maxEntries: 0, ttlMs: 100 }, { maxEntries: 10, ttlMs: 0 }, { maxEntries: 0 }]) {
    const { cache } = cacheAt(options)
    t.equal(cache.enabled, false, JSON.stringify(options))
    cache.set('a', 'A')
    t.equal(cache.get('a'), undefined)
    t.equal(cache.size, 0)
    t.equal(cache.delete('a'), false)
  }
})

t.test('onRemove is told of evictions, expiries and deletes, not replacements, after the fact', async (t) => {
  const removed: [RemovalReason, number][] = []
  const { cache, clock } = cacheAt({
    maxEntries: 2,
    ttlMs: 100,
    onRemove: (reason) => removed.push([reason, cache.size]),
  })
  cache.set('a', 'A')
  cache.set('a', 'A2')
  cache.set('b', 'B')
  cache.set('c', 'C')
  cache.delete('b')
  clock.now += 100
  cache.get('c')
  t.strictSame(removed, [
    ['evict', 2],
    ['delete', 1],
    ['expire', 0],
  ])
})

t.test('the real clock expires entries', async (t) => {
  const cache = new BoundedCache<string, string>({ maxEntries: 10, ttlMs: 20 })
  cache.set('a', 'A')
  t.equal(cache.get('a'), 'A')
  await sleep(40)
  t.equal(cache.get('a'), undefined)
})
