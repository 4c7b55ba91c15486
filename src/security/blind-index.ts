// Equality lookups on encrypted fields: a keyed HMAC of the normalised value, per tenant. The
// same email always gives the same index within a tenant, and nothing readable leaves the key.
import { createHmac } from 'node:crypto'

export class BlindIndex {
  readonly #key: Buffer

  constructor(key: Buffer) {
    if (key.length < 32) throw new Error('the blind index key must be at least 32 bytes')
    this.#key = key
  }

  /** Emails compare without case and surrounding blanks. */
  email(tenantId: string, email: string): string {
    return this.#digest(tenantId, 'email', email.trim().toLowerCase())
  }

  #digest(tenantId: string, field: string, normalised: string): string {
    return createHmac('sha256', this.#key)
      .update(`${tenantId}\u0000${field}\u0000${normalised}`)
      .digest('base64url')
      .slice(0, 32)
  }
}
