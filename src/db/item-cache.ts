// A bounded in-memory LRU with TTL for reads by id. Entries are stored items (frozen), keyed by
// tenant and primary key, so one tenant's entry can never answer another tenant's read.
import { BoundedCache } from '../cache/bounded-cache.js'
import { ValueSeries } from '../observability/metric-series.js'
import type { Metrics } from '../observability/metrics.js'

export interface ItemCacheOptions {
  /** 0 turns the cache off. */
  ttlMs: number
  maxEntries: number
  now?: () => number
}

type CachedItem = Readonly<Record<string, unknown>>

export class ItemCache {
  readonly #entries: BoundedCache<string, CachedItem>
  // Sequence numbers of recent invalidations, so that a read which started before a write on this
  // instance cannot put back the item the write replaced (see readToken/set). Only reads still in
  // flight need them, so the least recent go first once there are many.
  #sequence = 0
  readonly #invalidatedAt: BoundedCache<string, number>
  /** The sequence number of the last clear(): a read that started before it stores nothing. */
  #clearedAt = 0
  readonly #hits: ValueSeries | undefined
  readonly #misses: ValueSeries | undefined

  constructor(
    options: ItemCacheOptions,
    private readonly metrics?: Metrics,
  ) {
    this.#entries = new BoundedCache({
      maxEntries: options.maxEntries,
      ttlMs: options.ttlMs,
      ...(options.now && { now: options.now }),
      ...(metrics && {
        onRemove: (reason) => {
          if (reason === 'evict') metrics.cacheEvictions.inc()
          metrics.cacheEntries.set(this.#entries.size)
        },
      }),
    })
    this.#invalidatedAt = new BoundedCache({ maxEntries: this.enabled ? options.maxEntries : 0 })
    this.#hits = metrics && new ValueSeries(metrics.cacheHits)
    this.#misses = metrics && new ValueSeries(metrics.cacheMisses)
  }

  get enabled(): boolean {
    return this.#entries.enabled
  }

  get size(): number {
    return this.#entries.size
  }

  get(tenantId: string, pk: string, sk: string): CachedItem | undefined {
    if (!this.enabled) return undefined
    const item = this.#entries.get(cacheKey(tenantId, pk, sk))
    if (item === undefined) this.#misses?.add(1)
    else this.#hits?.add(1)
    return item
  }

  /** Taken before reading from DynamoDB and handed to set() with what the read returned. */
  readToken(): number {
    return this.#sequence
  }

  /** Stores an item read from DynamoDB, unless this instance wrote it since `readToken` was taken. */
  set(
    tenantId: string,
    pk: string,
    sk: string,
    item: Record<string, unknown>,
    readToken = this.#sequence,
  ): void {
    if (!this.enabled) return
    const key = cacheKey(tenantId, pk, sk)
    if (this.#clearedAt > readToken || (this.#invalidatedAt.peek(key) ?? 0) > readToken) return
    this.#entries.set(key, Object.freeze(item))
    this.metrics?.cacheEntries.set(this.#entries.size)
  }

  /**
   * Called for every write this instance makes, so its own reads never see an older item, and for
   * every write another instance announces.
   */
  invalidate(tenantId: string, pk: string, sk: string): void {
    if (!this.enabled) return
    const key = cacheKey(tenantId, pk, sk)
    this.#invalidatedAt.set(key, ++this.#sequence)
    this.#entries.delete(key)
  }

  /** Drops every entry: writes may have been missed (the announcements of other instances). */
  clear(): void {
    if (!this.enabled) return
    this.#clearedAt = ++this.#sequence
    this.#entries.clear()
    this.metrics?.cacheEntries.set(0)
  }
}

function cacheKey(tenantId: string, pk: string, sk: string): string {
  return `${tenantId}\u0000${pk}\u0000${sk}`
}
