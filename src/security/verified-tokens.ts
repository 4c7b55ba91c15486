// The verdicts on recently verified bearer tokens. A token's verdict depends only on its exact
// text, the keys and the clock, so a token verified a moment ago need not be decoded and checked
// again on every request: that was a tenth of a cached read's CPU time. Entries end at the token's
// own expiry, and after a minute at most, so that a key withdrawn from the JWKS stops counting
// soon. Only successes are kept; a token that failed is checked again each time.
import type { RequestContext } from '../services/request-context.js'

/** Who a verified token speaks for (the per-request parts of the context are added later). */
export type TokenIdentity = Pick<RequestContext, 'tenantId' | 'userId' | 'roles'>

export interface VerifiedTokensOptions {
  maxEntries: number
  /** The longest an entry lives, whatever the token's expiry. */
  maxAgeMs: number
  /** Longer header values are not kept (a token is a few hundred characters). */
  maxTokenLength: number
  now?: () => number
}

interface Entry {
  identity: Readonly<TokenIdentity>
  expiresAt: number
}

export class VerifiedTokens {
  // Insertion order: the first key is the oldest, dropped when the map is full.
  readonly #entries = new Map<string, Entry>()
  readonly #now: () => number

  constructor(private readonly options: VerifiedTokensOptions) {
    this.#now = options.now ?? Date.now
  }

  get size(): number {
    return this.#entries.size
  }

  /** The identity of `authorization` when it was verified and has not expired since. */
  get(authorization: string): Readonly<TokenIdentity> | undefined {
    const entry = this.#entries.get(authorization)
    if (entry === undefined) return undefined
    if (entry.expiresAt > this.#now()) return entry.identity
    this.#entries.delete(authorization)
    return undefined
  }

  /** Keeps a verified token's identity until `expiresAtSeconds` (its `exp` claim), at most maxAgeMs. */
  remember(authorization: string, identity: TokenIdentity, expiresAtSeconds: number): void {
    if (authorization.length > this.options.maxTokenLength || this.options.maxEntries <= 0) return
    const expiresAt = Math.min(expiresAtSeconds * 1000, this.#now() + this.options.maxAgeMs)
    if (!(expiresAt > this.#now())) return
    this.#entries.delete(authorization)
    if (this.#entries.size >= this.options.maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value as string)
    }
    this.#entries.set(authorization, {
      identity: Object.freeze({ ...identity, roles: Object.freeze([...identity.roles]) }),
      expiresAt,
    })
  }
}
