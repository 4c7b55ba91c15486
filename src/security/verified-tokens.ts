// The verdicts on recently verified bearer tokens. A token's verdict depends only on its exact
// text, the keys and the clock, so a token verified a moment ago need not be decoded and checked
// again on every request: that was a tenth of a cached read's CPU time. Entries end at the token's
// own expiry, and after a minute at most, so that a key withdrawn from the JWKS stops counting
// soon. Only successes are kept; a token that failed is checked again each time.
import { BoundedCache } from '../cache/bounded-cache.js'
import type { TokenIdentity } from './token-identity.js'

export interface VerifiedTokensOptions {
  maxEntries: number
  /** The longest an entry lives, whatever the token's expiry. */
  maxAgeMs: number
  /** Longer header values are not kept (a token is a few hundred characters). */
  maxTokenLength: number
  now?: () => number
}

export class VerifiedTokens {
  readonly #identities: BoundedCache<string, Readonly<TokenIdentity>>
  readonly #now: () => number

  constructor(private readonly options: VerifiedTokensOptions) {
    this.#now = options.now ?? Date.now
    this.#identities = new BoundedCache({
      maxEntries: options.maxEntries,
      ttlMs: options.maxAgeMs,
      ...(options.now && { now: options.now }),
    })
  }

  get size(): number {
    return this.#identities.size
  }

  /** The identity of `authorization` when it was verified and has not expired since. */
  get(authorization: string): Readonly<TokenIdentity> | undefined {
    return this.#identities.get(authorization)
  }

  /** Keeps a verified token's identity until `expiresAtSeconds` (its `exp` claim), at most maxAgeMs. */
  remember(authorization: string, identity: TokenIdentity, expiresAtSeconds: number): void {
    if (authorization.length > this.options.maxTokenLength) return
    const untilExpiry = expiresAtSeconds * 1000 - this.#now()
    this.#identities.set(
      authorization,
      Object.freeze({ ...identity, roles: Object.freeze([...identity.roles]) }),
      Math.min(untilExpiry, this.options.maxAgeMs),
    )
  }
}
