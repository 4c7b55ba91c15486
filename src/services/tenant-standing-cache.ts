// The status and tier of each tenant, read on every request (suspension, rate limits), so held
// in memory for a short time. A tenant without a record is active on the default tier.
import { BoundedCache } from '../cache/bounded-cache.js'
import type { TableGateway } from '../db/table-gateway.js'
import { keyOf, Tenant, type TenantStatus, type Tier } from '../models/index.js'

export interface TenantStanding {
  status: TenantStatus
  tier: Tier
}

const DEFAULT_STANDING: TenantStanding = Object.freeze({ status: 'active', tier: 'standard' })
const MAX_ENTRIES = 10_000

interface Entry {
  /** Shared by every request that asks while the read is under way. */
  standing: Promise<TenantStanding>
  /** Set once the read has answered, so that a cached standing can be had without waiting. */
  known?: TenantStanding
}

export interface TenantStandingOptions {
  ttlMs: number
  now?: () => number
  /** Told of every forget(), e.g. to have the other instances forget too. */
  onForget?: (tenantId: string) => void
}

export class TenantStandingCache {
  readonly #entries: BoundedCache<string, Entry>
  readonly #onForget: ((tenantId: string) => void) | undefined

  constructor(
    private readonly gateway: TableGateway,
    { ttlMs, now, onForget }: TenantStandingOptions,
  ) {
    this.#entries = new BoundedCache({ maxEntries: MAX_ENTRIES, ttlMs, ...(now && { now }) })
    this.#onForget = onForget
  }

  standingOf(tenantId: string): Promise<TenantStanding> {
    const cached = this.#entries.get(tenantId)
    if (cached) return cached.standing
    const standing = this.#read(tenantId)
    const entry: Entry = { standing }
    this.#entries.set(tenantId, entry)
    standing.then(
      (known) => {
        entry.known = known
      },
      // A failed read is not remembered: the next request tries again.
      () => {
        if (this.#entries.peek(tenantId) === entry) this.#entries.delete(tenantId)
      },
    )
    return standing
  }

  /** The standing when it is cached and current (no read needed); undefined otherwise. */
  knownStandingOf(tenantId: string): TenantStanding | undefined {
    return this.#entries.get(tenantId)?.known
  }

  /** The tenant's standing changed here: read it again, and have others told (onForget). */
  forget(tenantId: string): void {
    this.#entries.delete(tenantId)
    this.#onForget?.(tenantId)
  }

  /** Another instance changed the tenant's standing. */
  forgetHere(tenantId: string): void {
    this.#entries.delete(tenantId)
  }

  /** Changes may have been missed: every standing is read again. */
  clear(): void {
    this.#entries.clear()
  }

  async #read(tenantId: string): Promise<TenantStanding> {
    // Strongly consistent, past the item cache: this cache's TTL is the only delay a change sees.
    const tenant = await this.gateway.get(Tenant, tenantId, keyOf(Tenant, 'primary', { tenantId }), {
      consistent: true,
    })
    return tenant ? { status: tenant.status, tier: tenant.tier } : DEFAULT_STANDING
  }
}
