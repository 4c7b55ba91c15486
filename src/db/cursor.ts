// Opaque, authenticated cursors. A cursor is the query's LastEvaluatedKey, signed with HMAC over
// the tenant and a fingerprint of the query, so a tampered cursor, another tenant's cursor or a
// cursor from another query is refused instead of being handed to DynamoDB.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { validationError } from '../errors/app-error.js'
import { MAX_CURSOR_LENGTH } from '../models/index.js'

export type LastEvaluatedKey = Record<string, string>

export interface CursorBinding {
  tenantId: string
  /** A stable description of the query: index, key condition, order, filter. */
  query: string
}

const MAC_BYTES = 16
const CURSOR_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/

export class CursorCodec {
  readonly #secret: Buffer

  constructor(secret: string) {
    this.#secret = createHash('sha256').update(secret).digest()
  }

  encode(key: LastEvaluatedKey, binding: CursorBinding): string {
    const payload = Buffer.from(JSON.stringify(key)).toString('base64url')
    return `${payload}.${this.#mac(payload, binding).toString('base64url')}`
  }

  /** The key a cursor stands for; a 400 VALIDATION_ERROR for anything not minted for this query. */
  decode(cursor: string, binding: CursorBinding): LastEvaluatedKey {
    // One canonical form only: Node's base64url decoder would skip stray characters.
    if (cursor.length > MAX_CURSOR_LENGTH || !CURSOR_SHAPE.test(cursor)) throw invalidCursor()
    const [payload = '', mac = ''] = cursor.split('.')
    const expected = Buffer.from(this.#mac(payload, binding).toString('base64url'))
    const given = Buffer.from(mac)
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidCursor()
    let key: unknown
    try {
      key = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    } catch {
      throw invalidCursor()
    }
    if (!isStringRecord(key)) throw invalidCursor()
    return key
  }

  #mac(payload: string, binding: CursorBinding): Buffer {
    return createHmac('sha256', this.#secret)
      .update(`${binding.tenantId}\u0000${binding.query}\u0000${payload}`)
      .digest()
      .subarray(0, MAC_BYTES)
  }
}

function isStringRecord(value: unknown): value is LastEvaluatedKey {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false
  return Object.values(value).every((entry) => typeof entry === 'string')
}

export function invalidCursor() {
  return validationError([{ field: 'cursor', message: 'cursor is invalid or belongs to another query' }])
}
