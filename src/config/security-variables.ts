// Tenancy and security: field encryption keys, the blind index key, tenant standing, rate limits
// per tier and idempotency keys. Outside production, development keys are used when none is set.
import { z } from 'zod'
import { integer } from './env-values.js'

export const DEVELOPMENT_MASTER_KEYS = `dev:${Buffer.alloc(32, 'tessera-development-master-key').toString('base64')}`
export const DEVELOPMENT_BLIND_INDEX_KEY = 'tessera-development-blind-index-key-change-me'

export const securityVariables = {
  KMS_KEY_ID: z.string().min(1).optional().meta({
    description:
      'field encryption data keys from this KMS key (`GenerateDataKey`); unset: a local master key',
  }),
  LOCAL_MASTER_KEYS: z.string().min(1).optional().meta({
    description: '`id:<base64 32 bytes>,...`; the current one wraps new data keys, the others still decrypt',
    defaultText: 'a fixed development key outside production',
  }),
  LOCAL_MASTER_KEY_ID: z.string().min(1).optional().meta({
    description: 'which of `LOCAL_MASTER_KEYS` is the current one',
    defaultText: 'the first one listed',
  }),
  BLIND_INDEX_KEY: z.string().min(32).optional().meta({
    description: 'HMAC key of the email blind index (changing it breaks email lookups of existing users)',
    defaultText: 'a development key outside production',
  }),
  DATA_KEY_MAX_USES: integer(1)
    .default(10_000)
    .meta({ description: 'a data key encrypts at most this many values' }),
  DATA_KEY_MAX_AGE_MS: integer(1_000)
    .default(300_000)
    .meta({ description: 'a data key encrypts for at most this long' }),
  TENANT_CACHE_TTL_MS: integer(0, 600_000).default(30_000).meta({
    description:
      "a tenant's status and tier are taken from memory this long (without `REDIS_URL`, suspension reaches other instances within it)",
  }),
  RATE_LIMIT_BASIC_PER_MINUTE: integer(1).default(600).meta({
    description:
      'requests per minute of a basic-tier tenant (per instance, or in all with `REDIS_URL`); beyond it 429 with `Retry-After`',
  }),
  RATE_LIMIT_STANDARD_PER_MINUTE: integer(1)
    .default(3_000)
    .meta({ description: 'requests per minute of a standard-tier tenant (as for basic)' }),
  RATE_LIMIT_PREMIUM_PER_MINUTE: integer(1)
    .default(15_000)
    .meta({ description: 'requests per minute of a premium-tier tenant (as for basic)' }),
  IDEMPOTENCY_TTL_HOURS: integer(1, 720).default(24).meta({
    description: "how long a POST's response is kept for replay under its `Idempotency-Key`",
  }),
}
