// Per-tenant usage, counted in memory on the hot path and handed out in batches to be added to the
// table (see src/db/usage-flusher.ts). Counts are kept per tenant and per hour, the grain of the
// stored items, so an hour that ends between two flushes is still added to its own item.
import { randomUUID } from 'node:crypto'
import { SECONDS_PER_HOUR, usageCounter } from '../models/index.js'

/** Who a DynamoDB call is made for, and for which model: set by the gateway on each call's input. */
export interface UsageTag {
  readonly tenantId: string
  readonly model: string
}

/** Counts by counter attribute (usageCounter). */
export type UsageCounts = Map<string, number>

/** What one flush adds to one tenant's hour. */
export interface UsageBatch {
  readonly tenantId: string
  /** Unix seconds at the start of the hour. */
  readonly hour: number
  readonly counts: UsageCounts
  /**
   * Grows with every batch this instance makes; the item keeps the last one applied and refuses
   * any batch not above it, so a batch sent again after a lost answer is not added twice.
   */
  readonly sequence: number
}

const HOUR_MS = SECONDS_PER_HOUR * 1_000

export class UsageMeter {
  /** Names this instance in the items it flushes to (its flush sequence is its own). */
  readonly instanceId = randomUUID()
  /** Hour (unix seconds) → tenant → counts not yet handed out. */
  readonly #open = new Map<number, Map<string, UsageCounts>>()
  /** Batches handed out and not yet known to be applied, by hour and tenant. */
  readonly #unsettled = new Map<string, UsageBatch>()
  #sequence = 0
  #hourStartsAt = 0
  #hourEndsAt = 0
  #current = new Map<string, UsageCounts>()
  /** Offboarded tenants: their data is gone, and counting them would write it again. */
  readonly #forgotten = new Set<string>()

  constructor(private readonly now: () => number = Date.now) {}

  /** Capacity units a call consumed for the tenant, on reads or on writes, by model. */
  addCapacity(tag: UsageTag, kind: 'read' | 'write', units: number): void {
    if (units > 0) add(this.#countsOf(tag.tenantId), usageCounter(kind, tag.model), units)
  }

  addItemsWritten(tenantId: string, count: number): void {
    if (count > 0) add(this.#countsOf(tenantId), usageCounter('items'), count)
  }

  /** One request by route template and status class (`2xx`, `4xx`, ..., or `aborted`). */
  addRequest(tenantId: string, method: string, route: string, statusClass: string): void {
    add(this.#countsOf(tenantId), usageCounter('request', `${method} ${route}#${statusClass}`), 1)
  }

  /**
   * What a flush should write: every batch handed out before and not settled (unchanged, with its
   * sequence, since it may have been applied), and a new batch for every tenant and hour that has
   * counts and no unsettled batch. Counts made since wait for the unsettled batch to settle.
   */
  takeBatches(): UsageBatch[] {
    for (const [hour, tenants] of this.#open) {
      for (const [tenantId, counts] of tenants) {
        const key = batchKey(hour, tenantId)
        if (this.#unsettled.has(key)) continue
        tenants.delete(tenantId)
        this.#unsettled.set(key, { tenantId, hour, counts, sequence: ++this.#sequence })
      }
      if (tenants.size === 0 && tenants !== this.#current) this.#open.delete(hour)
    }
    return [...this.#unsettled.values()]
  }

  /** The batch is in the table (applied now, or by an earlier attempt): it is done. */
  settle(batch: UsageBatch): void {
    this.#unsettled.delete(batchKey(batch.hour, batch.tenantId))
  }

  /** The tenant was offboarded: what is counted for it and not yet handed out is dropped, and nothing more is counted. */
  forgetTenant(tenantId: string): void {
    this.#forgotten.add(tenantId)
    for (const tenants of this.#open.values()) tenants.delete(tenantId)
  }

  /** Whether anything is counted and not yet settled. */
  get pending(): boolean {
    if (this.#unsettled.size > 0) return true
    for (const tenants of this.#open.values()) if (tenants.size > 0) return true
    return false
  }

  #countsOf(tenantId: string): UsageCounts {
    if (this.#forgotten.has(tenantId)) return new Map()
    const now = this.now()
    if (now >= this.#hourEndsAt || now < this.#hourStartsAt) this.#turnHour(now)
    let counts = this.#current.get(tenantId)
    if (!counts) {
      counts = new Map()
      this.#current.set(tenantId, counts)
    }
    return counts
  }

  #turnHour(now: number): void {
    this.#hourStartsAt = Math.floor(now / HOUR_MS) * HOUR_MS
    this.#hourEndsAt = this.#hourStartsAt + HOUR_MS
    const hour = this.#hourStartsAt / 1_000
    let tenants = this.#open.get(hour)
    if (!tenants) {
      tenants = new Map()
      this.#open.set(hour, tenants)
    }
    this.#current = tenants
  }
}

function add(counts: UsageCounts, counter: string, amount: number): void {
  counts.set(counter, (counts.get(counter) ?? 0) + amount)
}

function batchKey(hour: number, tenantId: string): string {
  return `${hour}#${tenantId}`
}
