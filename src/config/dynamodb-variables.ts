// DynamoDB: where the table is, how calls are made and retried, and the item cache in front of it.
import { z } from 'zod'
import { httpUrl, integer } from './env-values.js'

export const DEFAULT_TABLE_NAME = 'tessera'

export const dynamodbVariables = {
  AWS_REGION: z.string().min(1).default('us-east-1').meta({ description: 'region of the table' }),
  AWS_ACCESS_KEY_ID: z
    .string()
    .min(1)
    .optional()
    .meta({
      description:
        'read only to decide whether a local endpoint gets static development credentials (when unset); ' +
        'the AWS SDK reads its own `AWS_*` variables',
    }),
  DYNAMODB_ENDPOINT: httpUrl.optional().meta({
    description:
      'DynamoDB endpoint (e.g. `http://localhost:8000`); unset means AWS, or DynamoDB Local under `npm start`',
  }),
  DYNAMODB_LOCAL_PORT: integer(1, 65535)
    .default(8000)
    .meta({ description: 'port of the DynamoDB Local that `npm start` runs' }),
  GROUPS_TABLE_NAME: z
    .string()
    .min(3)
    .max(255)
    .optional()
    .meta({ description: 'the table; wins over `APP_TABLE_NAME`', defaultText: `\`${DEFAULT_TABLE_NAME}\`` }),
  APP_TABLE_NAME: z
    .string()
    .min(3)
    .max(255)
    .optional()
    .meta({
      description: 'the table, when `GROUPS_TABLE_NAME` is not set',
      defaultText: `\`${DEFAULT_TABLE_NAME}\``,
    }),
  DYNAMODB_MAX_SOCKETS: integer(1, 1000).default(50).meta({ description: 'keep-alive socket pool size' }),
  DYNAMODB_CONNECT_TIMEOUT_MS: integer(1)
    .default(1_000)
    .meta({ description: 'connect timeout of an attempt' }),
  DYNAMODB_REQUEST_TIMEOUT_MS: integer(1).default(3_000).meta({ description: 'timeout of an attempt' }),
  DYNAMODB_MAX_ATTEMPTS: integer(1, 10).default(3).meta({
    description: 'attempts per call (standard retry mode: exponential backoff with jitter)',
  }),
  BATCH_MAX_ATTEMPTS: integer(1, 20).default(8).meta({
    description: 'attempts (jittered backoff) for unprocessed batch work and transient transaction failures',
  }),
  BATCH_CONCURRENCY: integer(1, 64).default(8).meta({ description: 'DynamoDB calls in flight per batch' }),
  SOFT_DELETE_RETENTION_DAYS: integer(0, 3650).default(30).meta({
    description:
      'deleted items keep their TTL attribute `expires_at` this far ahead; DynamoDB then purges them',
  }),
  CACHE_TTL_MS: integer(0).default(5_000).meta({
    description:
      "reads by id are served from this instance's memory for up to this long (0: off); other instances' writes drop entries at once with `REDIS_URL`",
  }),
  CACHE_MAX_ENTRIES: integer(0).default(10_000).meta({ description: 'items the read cache holds at most' }),
}
