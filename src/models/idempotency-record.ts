import type { IndexDefinitions } from './indexes.js'
import { buildKey, tenantKey } from './key.js'
import { TenantModel } from './model.js'

export type IdempotencyStatus = 'in_progress' | 'completed'

/**
 * What became of a POST sent with an Idempotency-Key, kept per tenant until `expiresAt` (TTL).
 * While in progress it holds a lock that lapses at `lockExpiresAt`, so a crashed request's key
 * frees itself; once completed it holds the response to replay.
 */
export class IdempotencyRecord extends TenantModel {
  static readonly modelVersion = 1
  // The stored response may show fields that are encrypted where they live (a user's email).
  static readonly encryptedFields = ['responseBody'] as const
  static readonly fields = [
    'tenantId',
    'userId',
    'keyHash',
    'requestHash',
    'owner',
    'status',
    'lockExpiresAt',
    'responseStatus',
    'responseHeaders',
    'responseBody',
    'expiresAt',
  ] as const

  static readonly indexes = {
    primary: {
      pk: (r) => tenantKey(r.tenantId, ['idempotency', r.keyHash]),
      sk: () => buildKey(['idempotency', '']),
    },
  } satisfies IndexDefinitions<IdempotencyRecord>

  keyHash = ''
  requestHash = ''
  /** Who holds the lock: only they may complete or release it. */
  owner = ''
  status: IdempotencyStatus = 'in_progress'
  /** Unix milliseconds. */
  lockExpiresAt = 0
  responseStatus: number | null = null
  responseHeaders: Record<string, string> | null = null
  responseBody: string | null = null
  /** Unix seconds: DynamoDB's TTL removes the record after this. */
  expiresAt = 0
}
