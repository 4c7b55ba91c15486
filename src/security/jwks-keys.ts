// The public keys published at a JWKS URL, looked up by the kid a token names. The whole set is
// fetched at once and kept, so a known kid never costs a fetch. A kid the set lacks (a key rotated
// in since, or a forged token) may have the set fetched again, but the refusal of every unknown kid
// stands for refreshIntervalMs after a fetch, and only one fetch is ever in flight: tokens with
// random kids cannot make the server hammer its identity provider. After maxAgeMs the set is
// fetched again so that a withdrawn key stops verifying; while the provider cannot be reached, the
// keys already held keep working.
import { createPublicKey, type JsonWebKey } from 'node:crypto'

export interface JwksKeysOptions {
  url: string
  /** How long a fetched set is used before it is fetched again. */
  maxAgeMs: number
  /** The least time between two fetches, whatever asks for them. */
  refreshIntervalMs: number
  timeoutMs: number
  /** Keys past this many in one document are ignored. */
  maxKeys: number
  /** Told about each fetch that failed (the keys held so far stay in use). */
  onFetchError?: (error: unknown) => void
  now?: () => number
}

interface PublicKey {
  alg: string | undefined
  pem: string
}

export class JwksKeyError extends Error {
  override name = 'JwksKeyError'
}

export class JwksKeys {
  #keys = new Map<string, PublicKey>()
  /** When the set held was fetched; when a fetch was last started (even one that failed). */
  #loadedAt = Number.NEGATIVE_INFINITY
  #fetchStartedAt = Number.NEGATIVE_INFINITY
  #fetching: Promise<void> | undefined
  readonly #now: () => number

  constructor(private readonly options: JwksKeysOptions) {
    this.#now = options.now ?? Date.now
  }

  /** The PEM public key for a token's header; a JwksKeyError when the set has no such key. */
  async publicKey(header: { kid?: unknown; alg?: unknown }): Promise<string> {
    const { kid, alg } = header
    if (typeof kid !== 'string') throw new JwksKeyError('the token names no kid')
    if (this.#now() - this.#loadedAt >= this.options.maxAgeMs) await this.#refresh()
    if (!this.#keys.has(kid)) await this.#refresh()
    const key = this.#keys.get(kid)
    if (key === undefined) throw new JwksKeyError('no key with the token’s kid')
    if (key.alg !== undefined && key.alg !== alg) throw new JwksKeyError('the key is for another algorithm')
    return key.pem
  }

  /** Waits for the fetch in flight, or starts one when the last started long enough ago. */
  #refresh(): Promise<void> {
    if (this.#fetching) return this.#fetching
    const now = this.#now()
    if (now - this.#fetchStartedAt < this.options.refreshIntervalMs) return Promise.resolve()
    this.#fetchStartedAt = now
    this.#fetching = this.#fetch()
      .then(
        (keys) => {
          this.#keys = keys
          this.#loadedAt = now
        },
        (error: unknown) => this.options.onFetchError?.(error),
      )
      .finally(() => {
        this.#fetching = undefined
      })
    return this.#fetching
  }

  async #fetch(): Promise<Map<string, PublicKey>> {
    const response = await fetch(this.options.url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(this.options.timeoutMs),
    })
    if (!response.ok) throw new JwksKeyError(`the JWKS URL answered ${response.status}`)
    const document = (await response.json()) as { keys?: unknown }
    if (!Array.isArray(document?.keys)) throw new JwksKeyError('the JWKS document has no keys array')
    const keys = new Map<string, PublicKey>()
    for (const jwk of document.keys.slice(0, this.options.maxKeys)) {
      const key = publicKeyOf(jwk)
      if (key) keys.set(jwk.kid, key)
    }
    return keys
  }
}

/** A signing key's PEM form; undefined for one without a kid, for encryption, or unreadable. */
function publicKeyOf(jwk: JsonWebKey): PublicKey | undefined {
  if (typeof jwk?.kid !== 'string' || (jwk.use !== undefined && jwk.use !== 'sig')) return undefined
  try {
    const pem = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' })
    return { alg: typeof jwk.alg === 'string' ? jwk.alg : undefined, pem: pem.toString() }
  } catch {
    return undefined
  }
}
