// Idempotency keys for POST requests, stored per tenant (and per user, so that one user's key can
// never replay another user's response) with a TTL. A key never makes a second create: its record
// keeps a seed and a start time from the first attempt, and every later attempt (after an outage,
// a crash or a lapsed lock) writes with those, so it finds what an earlier attempt wrote instead of
// writing it again (see WriteStamp).
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { and, eq, lt, notExists, or } from '../db/filter.js'
import { conditionalPutParams } from '../db/params.js'
import type { TableGateway } from '../db/table-gateway.js'
import type { TransactionAction } from '../db/transactions.js'
import { serviceUnavailable } from '../errors/app-error.js'
import { IdempotencyRecord, IdempotencyResponsePart, initialise, keyOf, toItem } from '../models/index.js'
import type { FieldCipher } from '../security/field-cipher.js'
import { openModel, sealModel } from '../security/model-encryption.js'
import type { Clock } from './clock.js'
import type { IdempotentAttempt } from './request-context.js'

export interface StoredResponse {
  status: number
  headers: Record<string, string>
  body: string
}

export type ClaimResult =
  | { state: 'claimed'; record: IdempotencyRecord; attempt: IdempotentAttempt }
  | { state: 'in_progress'; retryAfterSeconds: number }
  | { state: 'reused_with_other_request' }
  | { state: 'completed'; response: StoredResponse }

export interface IdempotencyOptions {
  /** How long a completed request's response is replayed. */
  retentionSeconds: number
  /** How long an in-progress claim holds; after it, the next retry takes the key over. */
  lockMs: number
  /** The largest response body (UTF-8 bytes) kept in one item; larger ones are kept in parts. */
  partBytes?: number
}

// Encryption makes a value about 4/3 as long: 256 KiB becomes about 350 KB, inside DynamoDB's
// 400 KB item limit with room for the rest of the item.
const DEFAULT_PART_BYTES = 256 * 1024
// A transaction holds 100 actions: the record and at most 99 parts (about 25 MB of response).
const MAX_PARTS = 99
// A claim that loses a race for the record looks again at most this often.
const CLAIM_ROUNDS = 3

export class IdempotencyStore {
  constructor(
    private readonly gateway: TableGateway,
    private readonly cipher: FieldCipher,
    private readonly options: IdempotencyOptions,
    private readonly clock: Clock,
  ) {}

  /** Takes the key for this request, or says why not (in progress, reused, or already answered). */
  async claim(tenantId: string, userId: string, key: string, requestHash: string): Promise<ClaimResult> {
    for (let round = 0; round < CLAIM_ROUNDS; round++) {
      const fresh = this.#newRecord(tenantId, userId, key, requestHash)
      const nowSeconds = Math.floor(this.clock().getTime() / 1000)
      // Free, or expired (TTL deletion lags): a new record with a new seed.
      const put = await this.gateway.putIf(fresh, or(notExists('keyHash'), lt('expiresAt', nowSeconds)))
      if (put.written) return claimed(fresh)
      const stored = put.stored
      if (stored === undefined) continue
      if (stored.requestHash !== requestHash) return { state: 'reused_with_other_request' }
      if (stored.status === 'completed') return { state: 'completed', response: await this.#response(stored) }
      const now = this.clock().getTime()
      if (stored.status === 'in_progress' && stored.lockExpiresAt > now)
        return { state: 'in_progress', retryAfterSeconds: Math.ceil((stored.lockExpiresAt - now) / 1000) }
      // Interrupted, or held by a request whose lock lapsed: this attempt takes it over with the
      // first attempt's seed and time, unless another retry or the holder got there first.
      const takeover = this.#renewed(stored)
      const taken = await this.gateway.putIf(
        takeover,
        and(eq('owner', stored.owner), eq('status', stored.status)),
      )
      if (taken.written) return claimed(takeover)
    }
    // Lost every race: another attempt holds the key now.
    return { state: 'in_progress', retryAfterSeconds: 1 }
  }

  /**
   * Stores the response to replay; a no-op if another attempt took the key over meanwhile. A body
   * too large for one item is kept in parts, written in one transaction with the record.
   */
  async complete(record: IdempotencyRecord, response: StoredResponse): Promise<void> {
    record.status = 'completed'
    record.responseStatus = response.status
    record.responseHeaders = response.headers
    const slices = splitUtf8(response.body, this.options.partBytes ?? DEFAULT_PART_BYTES)
    if (slices.length === 1) {
      record.responseBody = response.body
      await this.gateway.putIf(await sealModel(record, this.cipher), eq('owner', record.owner))
      return
    }
    if (slices.length > MAX_PARTS)
      throw new RangeError(`a response of ${slices.length} parts is too large to keep`)
    record.responseBody = null
    record.responseParts = slices.length
    const parts = await Promise.all(slices.map((body, part) => this.#part(record, part, body)))
    const { tableName } = this.gateway
    const actions: TransactionAction[] = [
      {
        Put: conditionalPutParams(
          tableName,
          toItem(await sealModel(record, this.cipher)),
          eq('owner', record.owner),
        ),
      },
      ...parts.map((part): TransactionAction => ({ Put: { TableName: tableName, Item: toItem(part) } })),
    ]
    await this.gateway.transact(record.tenantId, actions)
  }

  /**
   * The request ended without a known outcome (an outage, a conflict): the key stays bound to its
   * seed, and the next retry takes it over at once instead of waiting for the lock to lapse.
   */
  async interrupt(record: IdempotencyRecord): Promise<void> {
    record.status = 'interrupted'
    record.lockExpiresAt = 0
    await this.gateway.putIf(record, eq('owner', record.owner))
  }

  /**
   * The request was refused and wrote nothing. A first attempt frees the key, so that a corrected
   * request may use it; a later one keeps it bound (interrupted), since an earlier attempt may have
   * written with its seed, and the next retry must find that rather than write anew.
   */
  async release(record: IdempotencyRecord): Promise<void> {
    if (record.attempts > 1) return this.interrupt(record)
    await this.gateway.deleteIf(record, eq('owner', record.owner))
  }

  #newRecord(tenantId: string, userId: string, key: string, requestHash: string): IdempotencyRecord {
    const now = this.clock()
    const record = initialise(new IdempotencyRecord(), now, IdempotencyRecord.modelVersion)
    return Object.assign(record, {
      tenantId,
      userId,
      keyHash: createHash('sha256').update(`${userId}\u0000${key}`).digest('base64url'),
      requestHash,
      owner: randomUUID(),
      status: 'in_progress',
      lockExpiresAt: now.getTime() + this.options.lockMs,
      seed: randomBytes(16).toString('base64url'),
      startedAt: now.getTime(),
      expiresAt: Math.floor(now.getTime() / 1000) + this.options.retentionSeconds,
    })
  }

  #renewed(stored: IdempotencyRecord): IdempotencyRecord {
    const now = this.clock().getTime()
    return Object.assign(Object.create(IdempotencyRecord.prototype) as IdempotencyRecord, stored, {
      owner: randomUUID(),
      status: 'in_progress',
      lockExpiresAt: now + this.options.lockMs,
      attempts: stored.attempts + 1,
      expiresAt: Math.floor(now / 1000) + this.options.retentionSeconds,
    })
  }

  async #part(record: IdempotencyRecord, part: number, body: string): Promise<IdempotencyResponsePart> {
    const slice = initialise(
      new IdempotencyResponsePart(),
      new Date(record.startedAt),
      1,
      `${record.id}-${part}`,
    )
    Object.assign(slice, {
      tenantId: record.tenantId,
      userId: record.userId,
      keyHash: record.keyHash,
      part,
      body,
      expiresAt: record.expiresAt,
    })
    return sealModel(slice, this.cipher)
  }

  async #response(stored: IdempotencyRecord): Promise<StoredResponse> {
    const record = await openModel(stored, this.cipher)
    const status = record.responseStatus ?? 200
    const headers = record.responseHeaders ?? {}
    if (record.responseParts === 0) return { status, headers, body: record.responseBody ?? '' }
    const keys = Array.from({ length: record.responseParts }, (_, part) =>
      keyOf(IdempotencyResponsePart, 'primary', { tenantId: record.tenantId, keyHash: record.keyHash, part }),
    )
    const { items, unprocessed } = await this.gateway.getMany(
      IdempotencyResponsePart,
      record.tenantId,
      keys,
      {
        consistent: true,
      },
    )
    if (unprocessed.length > 0 || items.length !== keys.length) throw serviceUnavailable()
    const parts = await Promise.all(items.map((part) => openModel(part, this.cipher)))
    parts.sort((a, b) => a.part - b.part)
    return { status, headers, body: parts.map((part) => part.body).join('') }
  }
}

function claimed(record: IdempotencyRecord): ClaimResult {
  return { state: 'claimed', record, attempt: { seed: record.seed, startedAt: record.startedAt } }
}

/** Slices of at most `maxBytes` UTF-8 bytes each, never splitting a character. */
function splitUtf8(text: string, maxBytes: number): string[] {
  const bytes = Buffer.from(text)
  if (bytes.length <= maxBytes) return [text]
  const slices: string[] = []
  for (let start = 0; start < bytes.length; ) {
    let end = Math.min(bytes.length, start + maxBytes)
    // Step back off continuation bytes (10xxxxxx) to the start of a character.
    while (end < bytes.length && ((bytes[end] as number) & 0xc0) === 0x80) end--
    slices.push(bytes.toString('utf8', start, end))
    start = end
  }
  return slices
}
