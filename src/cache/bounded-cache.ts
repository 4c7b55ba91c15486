// The one in-memory cache: a bounded LRU (lru-cache) whose entries end a fixed time after they were
// set. A read neither extends an entry's life nor finds an expired one; expired entries are dropped
// when met, not by timers. Every cache in the server (items, tenant standing, verified tokens, health
// reports, data keys) is one of these, each with its own bound and lifetime.
import { LRUCache } from 'lru-cache'

/** Why an entry left, other than by being replaced with a new value. */
export type RemovalReason = 'evict' | 'expire' | 'delete'

export interface BoundedCacheOptions {
  /** The most entries kept; the least recently used goes first. 0 keeps nothing. */
  maxEntries: number
  /** How long an entry answers after it was set; 0 keeps nothing. Absent: until it is evicted. */
  ttlMs?: number
  /** A clock in milliseconds (tests). The default, performance.now, is read at most once a millisecond. */
  now?: () => number
  /** Called once an entry has left (the size already counts it out). */
  onRemove?: (reason: RemovalReason) => void
}

export class BoundedCache<K extends {}, V extends {}> {
  readonly #lru: LRUCache<K, V> | undefined

  constructor(options: BoundedCacheOptions) {
    const { maxEntries, ttlMs, now, onRemove } = options
    if (!(maxEntries > 0) || (ttlMs !== undefined && !(ttlMs > 0))) return
    const clock = now ?? (() => performance.now())
    this.#lru = new LRUCache<K, V>({
      max: maxEntries,
      ...(ttlMs === undefined ? {} : { ttl: lifetime(ttlMs) }),
      ttlAutopurge: false,
      updateAgeOnGet: false,
      perf: { now: () => microseconds(clock()) },
      // A clock of the caller's is read every time, so that a test moving it is seen at once.
      ttlResolution: now ? 0 : 1,
      ...(onRemove && {
        disposeAfter: (_value: V, _key: K, reason: LRUCache.DisposeReason) => {
          if (reason === 'evict' || reason === 'expire' || reason === 'delete') onRemove(reason)
        },
      }),
    })
  }

  /** False when the options keep nothing: every get misses and every set is dropped. */
  get enabled(): boolean {
    return this.#lru !== undefined
  }

  get size(): number {
    return this.#lru?.size ?? 0
  }

  /** The live value, which becomes the most recently used. */
  get(key: K): V | undefined {
    return this.#lru?.get(key)
  }

  /** The live value, leaving its place in the LRU order as it is. */
  peek(key: K): V | undefined {
    return this.#lru?.peek(key)
  }

  /** Stores the value for the cache's lifetime, or for `ttlMs` (nothing when that is not positive). */
  set(key: K, value: V, ttlMs?: number): void {
    if (ttlMs === undefined) this.#lru?.set(key, value)
    else if (ttlMs > 0) this.#lru?.set(key, value, { ttl: lifetime(ttlMs) })
  }

  delete(key: K): boolean {
    return this.#lru?.delete(key) ?? false
  }

  clear(): void {
    this.#lru?.clear()
  }
}

// lru-cache serves an entry while its age is at most its ttl, and reads a start time of 0 as "no
// ttl". These caches end an entry at its ttl, so lru-cache runs on a microsecond clock that never
// reads 0, and is given a ttl one microsecond short.
function microseconds(milliseconds: number): number {
  return milliseconds * 1000 + 1
}

function lifetime(ttlMs: number): number {
  return Math.max(1, Math.ceil(ttlMs * 1000) - 1)
}
