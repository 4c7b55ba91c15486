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

export class TenantStandingCache {
  readonly #entries: BoundedCache<string, Entry>

  constructor(
    private readonly gateway: TableGateway,
    ttlMs: number,
    now?: () => number,
  ) {
    this.#entries = new BoundedCache({ maxEntries: MAX_ENTRIES, ttlMs, ...(now && { now }) })
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

  forget(tenantId: string): void {
    this.#entries.delete(tenantId)
  }

  async #read(tenantId: string): Promise<TenantStanding> {
    // Strongly consistent, past the item cache: this cache's TTL is the only delay a change sees.
    const tenant = await this.gateway.get(Tenant, tenantId, keyOf(Tenant, 'primary', { tenantId }), {
      consistent: true,
    })
    return tenant ? { status: tenant.status, tier: tenant.tier } : DEFAULT_STANDING
  }
}
