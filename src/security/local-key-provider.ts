// Development key provider: data keys are wrapped with AES-256-GCM under a local master key.
// Several master keys may be configured so that items written before a rotation still decrypt.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import type { DataKey, DataKeyProvider } from './data-key-provider.js'

const IV_BYTES = 12
const TAG_BYTES = 16

export class LocalKeyProvider implements DataKeyProvider {
  readonly currentKeyId: string
  readonly #masterKeys: ReadonlyMap<string, Buffer>

  /** `masterKeys`: id → 32-byte key; `currentId` names the one new data keys are wrapped with. */
  constructor(masterKeys: ReadonlyMap<string, Buffer>, currentId: string) {
    for (const [id, key] of masterKeys) {
      if (key.length !== 32) throw new Error(`local master key ${id} must be 32 bytes`)
    }
    if (!masterKeys.has(currentId)) throw new Error(`no local master key ${currentId}`)
    this.#masterKeys = masterKeys
    this.currentKeyId = `local:${currentId}`
  }

  async generateDataKey(): Promise<DataKey> {
    const plaintext = randomBytes(32)
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', this.#master(this.currentKeyId), iv)
    const wrapped = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()])
    return { keyId: this.currentKeyId, plaintext, wrapped }
  }

  async unwrapDataKey(keyId: string, wrapped: Buffer): Promise<Buffer> {
    const iv = wrapped.subarray(0, IV_BYTES)
    const tag = wrapped.subarray(wrapped.length - TAG_BYTES)
    const decipher = createDecipheriv('aes-256-gcm', this.#master(keyId), iv)
    decipher.setAuthTag(tag)
    return Buffer.concat([
      decipher.update(wrapped.subarray(IV_BYTES, wrapped.length - TAG_BYTES)),
      decipher.final(),
    ])
  }

  #master(keyId: string): Buffer {
    const key = this.#masterKeys.get(keyId.replace(/^local:/, ''))
    if (!key) throw new Error(`unknown local master key ${keyId}`)
    return key
  }
}

/** Parses `id1:<base64 32 bytes>,id2:<...>` (the LOCAL_MASTER_KEYS setting). */
export function parseMasterKeys(setting: string): Map<string, Buffer> {
  const keys = new Map<string, Buffer>()
  for (const entry of setting
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const separator = entry.indexOf(':')
    if (separator < 1) throw new Error('each master key is <id>:<base64>')
    keys.set(entry.slice(0, separator), Buffer.from(entry.slice(separator + 1), 'base64'))
  }
  return keys
}
