// A bounded in-memory LRU with TTL for reads by id. Entries are stored items (frozen), keyed by
// tenant and primary key, so one tenant's entry can never answer another tenant's read.
import type { Metrics } from '../observability/metrics.js'

export interface ItemCacheOptions {
  /** 0 turns the cache off. */
  ttlMs: number
  maxEntries: number
  now?: () => number
}

interface Entry {
  item: Readonly<Record<string, unknown>>
  expiresAt: number
}

export class ItemCache {
  // A Map iterates in insertion order; re-inserting on a hit makes the first key the least recent.
  readonly #entries = new Map<string, Entry>()
  readonly #now: () => number
  // Sequence numbers of recent invalidations, so that a read which started before a write on this
  // instance cannot put back the item the write replaced (see readToken/set).
  #sequence = 0
  readonly #invalidatedAt = new Map<string, number>()

  constructor(
    private readonly options: ItemCacheOptions,
    private readonly metrics?: Metrics,
  ) {
    this.#now = options.now ?? Date.now
  }

  get enabled(): boolean {
    return this.options.ttlMs > 0 && this.options.maxEntries > 0
  }

  get size(): number {
    return this.#entries.size
  }

  get(tenantId: string, pk: string, sk: string): Readonly<Record<string, unknown>> | undefined {
    if (!this.enabled) return undefined
    const key = cacheKey(tenantId, pk, sk)
    const entry = this.#entries.get(key)
    if (!entry || entry.expiresAt <= this.#now()) {
      if (entry) this.#delete(key)
      this.metrics?.cacheMisses.inc()
      return undefined
    }
    this.#entries.delete(key)
    this.#entries.set(key, entry)
    this.metrics?.cacheHits.inc()
    return entry.item
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
    if ((this.#invalidatedAt.get(key) ?? 0) > readToken) return
    this.#entries.delete(key)
    this.#entries.set(key, { item: Object.freeze(item), expiresAt: this.#now() + this.options.ttlMs })
    while (this.#entries.size > this.options.maxEntries) {
      const oldest = this.#entries.keys().next().value as string
      this.#entries.delete(oldest)
      this.metrics?.cacheEvictions.inc()
    }
    this.metrics?.cacheEntries.set(this.#entries.size)
  }

  /** Called for every write this instance makes, so its own reads never see an older item. */
  invalidate(tenantId: string, pk: string, sk: string): void {
    if (!this.enabled) return
    const key = cacheKey(tenantId, pk, sk)
    this.#invalidatedAt.delete(key)
    this.#invalidatedAt.set(key, ++this.#sequence)
    // Only reads still in flight need these; the oldest go first once there are many.
    if (this.#invalidatedAt.size > this.options.maxEntries) {
      this.#invalidatedAt.delete(this.#invalidatedAt.keys().next().value as string)
    }
    this.#delete(key)
  }

  #delete(key: string): void {
    if (this.#entries.delete(key)) this.metrics?.cacheEntries.set(this.#entries.size)
  }
}

function cacheKey(tenantId: string, pk: string, sk: string): string {
  return `${tenantId}\u0000${pk}\u0000${sk}`
}
