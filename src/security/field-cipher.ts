// Envelope encryption of single field values with AES-256-GCM.
//
// A ciphertext is `enc1.<keyId>.<wrapped data key>.<iv>.<ciphertext+tag>` (base64url parts): it
// records its format version and master key id, so a rotated master key still decrypts old items.
// The additional authenticated data binds tenant, model, field and item id: a ciphertext copied
// into another item, field or tenant fails to decrypt.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { BoundedCache } from '../cache/bounded-cache.js'
import type { DataKey, DataKeyProvider } from './data-key-provider.js'

const FORMAT = 'enc1'
const IV_BYTES = 12
const TAG_BYTES = 16

export interface FieldContext {
  tenantId: string
  model: string
  field: string
  itemId: string
}

export interface DataKeyReuse {
  /** A data key encrypts at most this many values ... */
  maxUses: number
  /** ... and for at most this long, before a new one is generated. */
  maxAgeMs: number
  /** Unwrapped data keys kept for decryption. */
  maxCachedKeys: number
}

export class DecryptionError extends Error {
  override name = 'DecryptionError'
}

interface CurrentKey {
  key: DataKey
  encodedKeyId: string
  encodedWrapped: string
  createdAt: number
  uses: number
}

export class FieldCipher {
  #current: Promise<CurrentKey> | undefined
  readonly #unwrapped: BoundedCache<string, Promise<Buffer>>

  constructor(
    private readonly provider: DataKeyProvider,
    private readonly reuse: DataKeyReuse,
    private readonly now: () => number = Date.now,
  ) {
    this.#unwrapped = new BoundedCache({ maxEntries: reuse.maxCachedKeys })
  }

  async encrypt(plaintext: string, context: FieldContext): Promise<string> {
    const current = await this.#dataKey()
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', current.key.plaintext, iv)
    cipher.setAAD(aad(context))
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()])
    return [
      FORMAT,
      current.encodedKeyId,
      current.encodedWrapped,
      iv.toString('base64url'),
      sealed.toString('base64url'),
    ].join('.')
  }

  async decrypt(ciphertext: string, context: FieldContext): Promise<string> {
    const parts = ciphertext.split('.')
    if (parts.length !== 5 || parts[0] !== FORMAT) throw new DecryptionError('not a tessera ciphertext')
    const [, encodedKeyId, encodedWrapped, encodedIv, encodedSealed] = parts as [
      string,
      string,
      string,
      string,
      string,
    ]
    const dataKey = await this.#unwrap(
      Buffer.from(encodedKeyId, 'base64url').toString('utf8'),
      encodedWrapped,
    )
    const sealed = Buffer.from(encodedSealed, 'base64url')
    if (sealed.length < TAG_BYTES) throw new DecryptionError('ciphertext too short')
    try {
      const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(encodedIv, 'base64url'))
      decipher.setAAD(aad(context))
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES))
      return Buffer.concat([
        decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8')
    } catch (error) {
      throw new DecryptionError('the value does not belong here or was altered', { cause: error })
    }
  }

  /** The data key for new values, renewed after its uses or age run out. */
  async #dataKey(): Promise<CurrentKey> {
    for (;;) {
      const pending = this.#current
      const current = pending ? await pending : undefined
      if (
        current &&
        current.uses < this.reuse.maxUses &&
        this.now() - current.createdAt < this.reuse.maxAgeMs
      ) {
        current.uses++
        return current
      }
      // Only the first caller to find the key spent generates the next; the others wait for it.
      if (this.#current === pending) this.#current = this.#generate()
    }
  }

  #generate(): Promise<CurrentKey> {
    const generated = this.provider.generateDataKey().then((key) => ({
      key,
      encodedKeyId: Buffer.from(key.keyId).toString('base64url'),
      encodedWrapped: key.wrapped.toString('base64url'),
      createdAt: this.now(),
      uses: 0,
    }))
    generated.catch(() => {
      if (this.#current === generated) this.#current = undefined
    })
    return generated
  }

  /**
   * Unwrapped data keys, kept by key id and wrapped key together (a ciphertext naming another key
   * id must not reuse a key unwrapped for the first); concurrent readers share one unwrap.
   */
  #unwrap(keyId: string, encodedWrapped: string): Promise<Buffer> {
    const cacheKey = `${keyId}\u0000${encodedWrapped}`
    const cached = this.#unwrapped.get(cacheKey)
    if (cached) return cached
    const key = this.provider
      .unwrapDataKey(keyId, Buffer.from(encodedWrapped, 'base64url'))
      .catch((error: unknown) => {
        if (this.#unwrapped.peek(cacheKey) === key) this.#unwrapped.delete(cacheKey)
        throw new DecryptionError('the data key could not be unwrapped', { cause: error })
      })
    this.#unwrapped.set(cacheKey, key)
    return key
  }
}

function aad(context: FieldContext): Buffer {
  return Buffer.from([context.tenantId, context.model, context.field, context.itemId].join('\u0000'))
}
