// The status and tier of each tenant, read on every request (suspension, rate limits), so held
// in memory for a short time. A tenant without a record is active on the default tier.
import type { TableGateway } from '../db/table-gateway.js'
import { keyOf, Tenant, type TenantStatus, type Tier } from '../models/index.js'

export interface TenantStanding {
  status: TenantStatus
  tier: Tier
}

const DEFAULT_STANDING: TenantStanding = Object.freeze({ status: 'active', tier: 'standard' })
const MAX_ENTRIES = 10_000

interface Entry {
  standing: Promise<TenantStanding>
  /** Set once the read has answered, so that a cached standing can be had without waiting. */
  known?: TenantStanding
  expiresAt: number
}

export class TenantDirectory {
  readonly #entries = new Map<string, Entry>()

  constructor(
    private readonly gateway: TableGateway,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  standingOf(tenantId: string): Promise<TenantStanding> {
    const cached = this.#entries.get(tenantId)
    if (cached && cached.expiresAt > this.now()) return cached.standing
    const standing = this.#read(tenantId)
    const entry: Entry = { standing, expiresAt: this.now() + this.ttlMs }
    this.#entries.set(tenantId, entry)
    standing.then(
      (known) => {
        entry.known = known
      },
      // A failed read is not remembered: the next request tries again.
      () => {
        if (this.#entries.get(tenantId) === entry) this.#entries.delete(tenantId)
      },
    )
    if (this.#entries.size > MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value as string)
    return standing
  }

  /** The standing when it is cached and current (no read needed); undefined otherwise. */
  knownStandingOf(tenantId: string): TenantStanding | undefined {
    const cached = this.#entries.get(tenantId)
    return cached && cached.expiresAt > this.now() ? cached.known : undefined
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
