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

/** A verified token's verdict: whom it stands for, until when (ms since the epoch, this clock's). */
export interface VerifiedToken {
  readonly authorization: string
  readonly identity: Readonly<TokenIdentity>
  readonly until: number
}

export class VerifiedTokens {
  readonly #identities: BoundedCache<string, VerifiedToken>
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
    return this.#identities.get(authorization)?.identity
  }

  /** The verdict on `authorization` when it was verified and has not expired since. */
  entry(authorization: string): VerifiedToken | undefined {
    return this.#identities.get(authorization)
  }

  /** Whether a verdict held elsewhere (as `entry` gave it) still stands. */
  stands(token: VerifiedToken): boolean {
    return token.until > this.#now()
  }

  /** Keeps a verified token's identity until `expiresAtSeconds` (its `exp` claim), at most maxAgeMs. */
  remember(
    authorization: string,
    identity: TokenIdentity,
    expiresAtSeconds: number,
  ): VerifiedToken | undefined {
    if (authorization.length > this.options.maxTokenLength) return undefined
    const now = this.#now()
    const lifetime = Math.min(expiresAtSeconds * 1000 - now, this.options.maxAgeMs)
    if (!(lifetime > 0)) return undefined
    const token = Object.freeze({
      authorization,
      identity: Object.freeze({ ...identity, roles: Object.freeze([...identity.roles]) }),
      until: now + lifetime,
    })
    this.#identities.set(authorization, token, lifetime)
    return token
  }
}
