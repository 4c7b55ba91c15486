import type { IndexDefinitions } from './indexes.js'
import { buildKey, tenantKey } from './key.js'
import { TenantModel } from './model.js'

/**
 * - in_progress: a request holds the key until `lockExpiresAt`, or until it ends;
 * - interrupted: a request ended without a known outcome (an outage, a conflict): the next retry
 *   takes the key over at once, with the same seed, and finds what the interrupted one wrote;
 * - completed: the response is kept and replayed.
 */
export type IdempotencyStatus = 'in_progress' | 'interrupted' | 'completed'

/**
 * What became of a POST sent with an Idempotency-Key, kept per tenant until `expiresAt` (TTL).
 * While in progress it holds a lock that lapses at `lockExpiresAt`, so a crashed request's key is
 * taken over by the next retry; once completed it holds the response to replay, or says in how many
 * parts (IdempotencyResponsePart) it is kept when too large for one item.
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
    'seed',
    'startedAt',
    'attempts',
    'responseStatus',
    'responseHeaders',
    'responseBody',
    'responseParts',
    'expiresAt',
  ] as const

  static readonly indexes = {
    primary: {
      pk: (r) => idempotencyPartition(r.tenantId, r.keyHash),
      sk: () => buildKey(['idempotency', '']),
    },
  } satisfies IndexDefinitions<IdempotencyRecord>

  keyHash = ''
  requestHash = ''
  /** Who holds the lock: only they may complete, interrupt or release it. */
  owner = ''
  status: IdempotencyStatus = 'in_progress'
  /** Unix milliseconds. */
  lockExpiresAt = 0
  /** Drawn at the first claim and kept by every attempt: the ids of what the request creates. */
  seed = ''
  /** Unix milliseconds of the first attempt: the time every attempt's writes carry. */
  startedAt = 0
  /** How many attempts have held the key: after the first, an earlier one may have written. */
  attempts = 1
  responseStatus: number | null = null
  responseHeaders: Record<string, string> | null = null
  responseBody: string | null = null
  /** 0 when the body is kept here, else how many parts hold it. */
  responseParts = 0
  /** Unix seconds: DynamoDB's TTL removes the record after this. */
  expiresAt = 0
}

/** One slice of a kept response too large for its record, beside it in the same partition. */
export class IdempotencyResponsePart extends TenantModel {
  static readonly modelVersion = 1
  static readonly encryptedFields = ['body'] as const
  static readonly fields = ['tenantId', 'userId', 'keyHash', 'part', 'body', 'expiresAt'] as const

  static readonly indexes = {
    primary: {
      pk: (p) => idempotencyPartition(p.tenantId, p.keyHash),
      sk: (p) => buildKey(['idempotency', ''], ['part', p.part]),
    },
  } satisfies IndexDefinitions<IdempotencyResponsePart>

  keyHash = ''
  part = 0
  body = ''
  /** Unix seconds, as the record's. */
  expiresAt = 0
}

function idempotencyPartition(tenantId: string, keyHash: string): string {
  return tenantKey(tenantId, ['idempotency', keyHash])
}
