// Idempotency keys for POST requests, stored per tenant (and per user, so that one user's key can
// never replay another user's response) with a TTL.
import { createHash, randomUUID } from 'node:crypto'
import { and, eq, lt, notExists, or } from '../db/filter.js'
import type { TableGateway } from '../db/table-gateway.js'
import { IdempotencyRecord, initialise } from '../models/index.js'
import type { FieldCipher } from '../security/field-cipher.js'
import { openModel, sealModel } from '../security/model-encryption.js'
import type { Clock } from './clock.js'

export interface StoredResponse {
  status: number
  headers: Record<string, string>
  body: string
}

export type ClaimResult =
  | { state: 'claimed'; record: IdempotencyRecord }
  | { state: 'in_progress' }
  | { state: 'reused_with_other_request' }
  | { state: 'completed'; response: StoredResponse }

export interface IdempotencyOptions {
  /** How long a completed request's response is replayed. */
  retentionSeconds: number
  /** How long an in-progress claim holds; after it, a crashed request's key is free again. */
  lockMs: number
}

export class IdempotencyStore {
  constructor(
    private readonly gateway: TableGateway,
    private readonly cipher: FieldCipher,
    private readonly options: IdempotencyOptions,
    private readonly clock: Clock,
  ) {}

  /** Takes the key for this request, or says why not (in progress, reused, or already answered). */
  async claim(tenantId: string, userId: string, key: string, requestHash: string): Promise<ClaimResult> {
    const now = this.clock()
    const record = initialise(new IdempotencyRecord(), now, IdempotencyRecord.modelVersion)
    Object.assign(record, {
      tenantId,
      userId,
      keyHash: createHash('sha256').update(`${userId}\u0000${key}`).digest('base64url'),
      requestHash,
      owner: randomUUID(),
      status: 'in_progress',
      lockExpiresAt: now.getTime() + this.options.lockMs,
      expiresAt: Math.floor(now.getTime() / 1000) + this.options.retentionSeconds,
    })
    // Free, expired (TTL deletion lags), or held by a request whose lock has lapsed.
    const free = or(
      notExists('keyHash'),
      lt('expiresAt', Math.floor(now.getTime() / 1000)),
      and(eq('status', 'in_progress'), lt('lockExpiresAt', now.getTime())),
    )
    const stored = await this.gateway.putIf(record, free)
    if (!stored) return { state: 'claimed', record }
    const current = await openModel(stored, this.cipher)
    if (current.requestHash !== requestHash) return { state: 'reused_with_other_request' }
    if (current.status !== 'completed') return { state: 'in_progress' }
    return {
      state: 'completed',
      response: {
        status: current.responseStatus ?? 200,
        headers: current.responseHeaders ?? {},
        body: current.responseBody ?? '',
      },
    }
  }

  /** Stores the response to replay; a no-op if the claim lapsed and another request took the key. */
  async complete(record: IdempotencyRecord, response: StoredResponse): Promise<void> {
    record.status = 'completed'
    record.responseStatus = response.status
    record.responseHeaders = response.headers
    record.responseBody = response.body
    await this.gateway.putIf(await sealModel(record, this.cipher), eq('owner', record.owner))
  }

  /** Frees the key (after a failure the client should be able to retry). */
  async release(record: IdempotencyRecord): Promise<void> {
    await this.gateway.deleteIf(record, eq('owner', record.owner))
  }
}
