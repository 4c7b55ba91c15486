// The one place that reads process.env: every setting is parsed here once, validated and frozen.
import { z } from 'zod'
import { type RuntimeMemory, runtimeMemory } from './runtime-memory.js'

export const DEVELOPMENT_JWT_SECRET = 'tessera-development-secret-change-me'
const DEFAULT_TABLE_NAME = 'tessera'

/** A whole number written in plain digits (no `0x`, `1e3` or blanks). */
const integer = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))

const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1')

const commaList = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
)

/** A fraction from 0 to 1 written as a plain decimal (`0.9`). */
const fraction = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'must be a decimal number')
  .transform(Number)
  .pipe(z.number().min(0).max(1))

// Operations: health probes, graceful shutdown, HTTP server timeouts and load shedding.
// Durations are milliseconds; a load-shedding threshold of 0 turns that threshold off. The memory
// thresholds default to shares of what the process may use (see memoryThresholds).
const operationsVariables = {
  HEALTH_CACHE_TTL_MS: integer(0, 60_000).default(2_000),
  HEALTH_PROBE_TIMEOUT_MS: integer(1, 30_000).default(1_000),
  HEALTH_DEGRADED_AFTER_MS: integer(1).default(500),
  HEALTH_MAX_EVENT_LOOP_DELAY_MS: integer(1).default(200),
  HEALTH_DETAILS: booleanFlag.default(false),
  OPS_PORT: integer(0, 65535).default(0),
  SHUTDOWN_TIMEOUT_MS: integer(1_000, 120_000).default(25_000),
  SHUTDOWN_DRAIN_DELAY_MS: integer(0, 120_000).default(0),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: integer(1_000).default(65_000),
  HTTP_REQUEST_TIMEOUT_MS: integer(0).default(120_000),
  HTTP_LINGER_TIMEOUT_MS: integer(1, 120_000).default(5_000),
  HTTP_LINGER_MAX_BYTES: integer(0).default(64 * 1024 * 1024),
  LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: integer(0).default(1_000),
  LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION: fraction.default(0),
  MEMORY_LIMIT_BYTES: integer(64 * 1024 ** 2).optional(),
  LOAD_SHED_MAX_HEAP_USED_BYTES: integer(0).optional(),
  LOAD_SHED_MAX_RSS_BYTES: integer(0).optional(),
  LOAD_SHED_RETRY_AFTER_SECONDS: integer(1, 3_600).default(5),
}

// Tenancy and security: field encryption keys, the blind index key, tenant standing,
// rate limits per tier, idempotency keys and the proxy in front of the server.
export const DEVELOPMENT_MASTER_KEYS = `dev:${Buffer.alloc(32, 'tessera-development-master-key').toString('base64')}`
export const DEVELOPMENT_BLIND_INDEX_KEY = 'tessera-development-blind-index-key-change-me'
const securityVariables = {
  KMS_KEY_ID: z.string().min(1).optional(),
  LOCAL_MASTER_KEYS: z.string().min(1).optional(),
  LOCAL_MASTER_KEY_ID: z.string().min(1).optional(),
  BLIND_INDEX_KEY: z.string().min(32).optional(),
  DATA_KEY_MAX_USES: integer(1).default(10_000),
  DATA_KEY_MAX_AGE_MS: integer(1_000).default(300_000),
  TENANT_CACHE_TTL_MS: integer(0, 600_000).default(30_000),
  RATE_LIMIT_BASIC_PER_MINUTE: integer(1).default(600),
  RATE_LIMIT_STANDARD_PER_MINUTE: integer(1).default(3_000),
  RATE_LIMIT_PREMIUM_PER_MINUTE: integer(1).default(15_000),
  IDEMPOTENCY_TTL_HOURS: integer(1, 720).default(24),
  TRUST_PROXY: booleanFlag.default(false),
}

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: integer(0, 65535).default(3000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    AWS_REGION: z.string().min(1).default('us-east-1'),
    AWS_ACCESS_KEY_ID: z.string().min(1).optional(),
    DYNAMODB_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
    DYNAMODB_LOCAL_PORT: integer(1, 65535).default(8000),
    DYNAMODB_MAX_SOCKETS: integer(1, 1000).default(50),
    DYNAMODB_CONNECT_TIMEOUT_MS: integer(1).default(1_000),
    DYNAMODB_REQUEST_TIMEOUT_MS: integer(1).default(3_000),
    DYNAMODB_MAX_ATTEMPTS: integer(1, 10).default(3),
    CACHE_TTL_MS: integer(0).default(5_000),
    CACHE_MAX_ENTRIES: integer(0).default(10_000),
    BATCH_MAX_ATTEMPTS: integer(1, 20).default(8),
    BATCH_CONCURRENCY: integer(1, 64).default(8),
    SOFT_DELETE_RETENTION_DAYS: integer(0, 3650).default(30),
    GROUPS_TABLE_NAME: z.string().min(3).max(255).optional(),
    APP_TABLE_NAME: z.string().min(3).max(255).optional(),
    JWT_SECRET: z.string().min(16).optional(),
    JWT_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
    JWT_JWKS_MAX_AGE_MS: integer(1_000).default(600_000),
    JWT_JWKS_REFRESH_INTERVAL_MS: integer(0).default(30_000),
    JWT_ISSUER: z.string().min(1).optional(),
    JWT_AUDIENCE: z.string().min(1).optional(),
    CURSOR_SECRET: z.string().min(16).optional(),
    CORS_ORIGINS: commaList.default([]),
    CORS_CREDENTIALS: booleanFlag.default(false),
    BODY_LIMIT_BYTES: integer(1024).default(1_048_576),
    ...operationsVariables,
    ...securityVariables,
  })
  .superRefine((env, ctx) => {
    // Operations: the drain delay is part of the shutdown budget, and Node refuses a request
    // timeout shorter than the headers timeout (which sits 1 s above keep-alive, see below).
    if (env.SHUTDOWN_DRAIN_DELAY_MS >= env.SHUTDOWN_TIMEOUT_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['SHUTDOWN_DRAIN_DELAY_MS'],
        message: 'must be shorter than SHUTDOWN_TIMEOUT_MS',
      })
    }
    if (env.OPS_PORT !== 0 && env.OPS_PORT === env.PORT) {
      ctx.addIssue({ code: 'custom', path: ['OPS_PORT'], message: 'must differ from PORT (or be 0: none)' })
    }
    if (env.HTTP_REQUEST_TIMEOUT_MS !== 0 && env.HTTP_REQUEST_TIMEOUT_MS < headersTimeoutMs(env)) {
      ctx.addIssue({
        code: 'custom',
        path: ['HTTP_REQUEST_TIMEOUT_MS'],
        message: 'must be 0 (off) or at least HTTP_KEEP_ALIVE_TIMEOUT_MS + 1000',
      })
    }
    if (env.NODE_ENV !== 'production') return
    if (!env.JWT_JWKS_URL && (!env.JWT_SECRET || env.JWT_SECRET === DEVELOPMENT_JWT_SECRET)) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_SECRET'],
        message: 'production needs JWT_JWKS_URL or a JWT_SECRET other than the development default',
      })
    }
    if (!env.CURSOR_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['CURSOR_SECRET'], message: 'production needs a CURSOR_SECRET' })
    }
    if (!env.KMS_KEY_ID && (!env.LOCAL_MASTER_KEYS || env.LOCAL_MASTER_KEYS === DEVELOPMENT_MASTER_KEYS)) {
      ctx.addIssue({
        code: 'custom',
        path: ['KMS_KEY_ID'],
        message: 'production needs KMS_KEY_ID (or LOCAL_MASTER_KEYS other than the development key)',
      })
    }
    if (!env.BLIND_INDEX_KEY || env.BLIND_INDEX_KEY === DEVELOPMENT_BLIND_INDEX_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['BLIND_INDEX_KEY'],
        message: 'production needs a BLIND_INDEX_KEY',
      })
    }
  })

/** Every variable the configuration reads; deployment checks refuse names outside this list. */
export const ENVIRONMENT_VARIABLES: readonly string[] = Object.keys(envSchema.shape)

export type Environment = Record<string, string | undefined>

export interface Config {
  env: 'development' | 'test' | 'production'
  host: string
  port: number
  /** The operations listener's port (/metrics, detailed health); 0: none, the main port serves them. */
  opsPort: number
  logLevel: string
  bodyLimitBytes: number
  dynamodb: {
    region: string
    endpoint: string | undefined
    /** Port of the DynamoDB Local that `npm start` runs when no endpoint is configured. */
    localPort: number
    /** Static credentials for a local endpoint when the environment has none. */
    useLocalCredentials: boolean
    tableName: string
    maxSockets: number
    connectTimeoutMs: number
    requestTimeoutMs: number
    maxAttempts: number
    /** Attempts for batch work DynamoDB hands back unprocessed (with jittered backoff). */
    batchMaxAttempts: number
    batchConcurrency: number
    softDeleteRetentionDays: number
  }
  cache: {
    /** How long this instance may serve a read by id from memory; 0 turns the cache off. */
    ttlMs: number
    maxEntries: number
  }
  jwt: {
    secret: string | undefined
    jwksUrl: string | undefined
    /** How long a fetched key set is used before it is fetched again. */
    jwksMaxAgeMs: number
    /** The least time between two fetches of the key set (a token with an unknown kid asks for one). */
    jwksRefreshIntervalMs: number
    issuer: string | undefined
    audience: string | undefined
  }
  cursorSecret: string
  cors: { origins: string[]; credentials: boolean }
  // Operations
  health: {
    /** How long one probe result is reused, so a burst of health requests hits DynamoDB once. */
    cacheTtlMs: number
    probeTimeoutMs: number
    /** A probe answering slower than this reports degraded. */
    degradedAfterMs: number
    /** Event-loop delay above this reports degraded (a non-critical check). */
    maxEventLoopDelayMs: number
    /** Whether health answers say why a check failed; off, the reasons only go to the log. */
    details: boolean
  }
  shutdown: {
    /** From the signal to exit, whatever happens; keep it below the orchestrator's stop timeout. */
    timeoutMs: number
    /** Readiness is 503 but requests are still served for this long before the listener closes. */
    drainDelayMs: number
  }
  http: {
    keepAliveTimeoutMs: number
    headersTimeoutMs: number
    requestTimeoutMs: number
    /** How long, and for how many more bytes, a connection answered before its body arrived is drained. */
    linger: { timeoutMs: number; maxBytes: number }
  }
  loadShedding: {
    maxEventLoopDelayMs: number
    maxEventLoopUtilization: number
    /** What the process may use (MEMORY_LIMIT_BYTES, else what the system reports); not enforced. */
    memoryLimitBytes: number
    maxHeapUsedBytes: number
    maxRssBytes: number
    retryAfterSeconds: number
  }
  // Tenancy and security
  encryption: {
    /** Data keys from KMS when set; otherwise wrapped with a local master key. */
    kmsKeyId: string | undefined
    /** `id:<base64 32 bytes>,...`; the current one wraps new data keys, the others still decrypt. */
    localMasterKeys: string
    localMasterKeyId: string
    blindIndexKey: string
    dataKeyMaxUses: number
    dataKeyMaxAgeMs: number
  }
  /** How long a tenant's status and tier are taken from memory (suspension reaches other instances within it). */
  tenantCacheTtlMs: number
  rateLimitPerMinute: { basic: number; standard: number; premium: number }
  idempotencyTtlSeconds: number
  /** Behind a load balancer: client addresses come from X-Forwarded-For. */
  trustProxy: boolean
}

/** Above the keep-alive timeout, so Node never cuts a kept-alive connection the load balancer still uses. */
function headersTimeoutMs(env: { HTTP_KEEP_ALIVE_TIMEOUT_MS: number }): number {
  return env.HTTP_KEEP_ALIVE_TIMEOUT_MS + 1_000
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** The configuration of this process: its environment, with `overrides` on top. */
export function configFromProcess(overrides: Environment = {}): Readonly<Config> {
  return loadConfig({ ...process.env, ...overrides })
}

/** Parses an environment; throws a ConfigError naming every bad variable. */
export function loadConfig(
  environment: Environment,
  memory: RuntimeMemory = runtimeMemory(),
): Readonly<Config> {
  // Empty strings mean "not set", as in most shells' `VAR=` usage.
  const present = Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== ''))
  const parsed = envSchema.safeParse(present)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`)
  }
  const env = parsed.data
  const jwtSecret = env.JWT_JWKS_URL ? env.JWT_SECRET : (env.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET)
  return deepFreeze({
    env: env.NODE_ENV,
    host: env.HOST,
    port: env.PORT,
    opsPort: env.OPS_PORT,
    logLevel: env.LOG_LEVEL,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    dynamodb: {
      region: env.AWS_REGION,
      endpoint: env.DYNAMODB_ENDPOINT,
      localPort: env.DYNAMODB_LOCAL_PORT,
      useLocalCredentials: Boolean(env.DYNAMODB_ENDPOINT) && !env.AWS_ACCESS_KEY_ID,
      tableName: env.GROUPS_TABLE_NAME ?? env.APP_TABLE_NAME ?? DEFAULT_TABLE_NAME,
      maxSockets: env.DYNAMODB_MAX_SOCKETS,
      connectTimeoutMs: env.DYNAMODB_CONNECT_TIMEOUT_MS,
      requestTimeoutMs: env.DYNAMODB_REQUEST_TIMEOUT_MS,
      maxAttempts: env.DYNAMODB_MAX_ATTEMPTS,
      batchMaxAttempts: env.BATCH_MAX_ATTEMPTS,
      batchConcurrency: env.BATCH_CONCURRENCY,
      softDeleteRetentionDays: env.SOFT_DELETE_RETENTION_DAYS,
    },
    cache: { ttlMs: env.CACHE_TTL_MS, maxEntries: env.CACHE_MAX_ENTRIES },
    jwt: {
      secret: jwtSecret,
      jwksUrl: env.JWT_JWKS_URL,
      jwksMaxAgeMs: env.JWT_JWKS_MAX_AGE_MS,
      jwksRefreshIntervalMs: env.JWT_JWKS_REFRESH_INTERVAL_MS,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
    },
    // Outside production the cursor key falls back to one derived from the JWT secret, so a
    // development setup needs no extra variable; production must set its own (checked above).
    cursorSecret: env.CURSOR_SECRET ?? `cursor:${jwtSecret ?? DEVELOPMENT_JWT_SECRET}`,
    cors: { origins: env.CORS_ORIGINS, credentials: env.CORS_CREDENTIALS },
    // Operations
    health: {
      cacheTtlMs: env.HEALTH_CACHE_TTL_MS,
      probeTimeoutMs: env.HEALTH_PROBE_TIMEOUT_MS,
      degradedAfterMs: env.HEALTH_DEGRADED_AFTER_MS,
      maxEventLoopDelayMs: env.HEALTH_MAX_EVENT_LOOP_DELAY_MS,
      details: env.HEALTH_DETAILS,
    },
    shutdown: { timeoutMs: env.SHUTDOWN_TIMEOUT_MS, drainDelayMs: env.SHUTDOWN_DRAIN_DELAY_MS },
    http: {
      keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      headersTimeoutMs: headersTimeoutMs(env),
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
      linger: { timeoutMs: env.HTTP_LINGER_TIMEOUT_MS, maxBytes: env.HTTP_LINGER_MAX_BYTES },
    },
    loadShedding: {
      maxEventLoopDelayMs: env.LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS,
      maxEventLoopUtilization: env.LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION,
      ...memoryThresholds(env, memory),
      retryAfterSeconds: env.LOAD_SHED_RETRY_AFTER_SECONDS,
    },
    encryption: encryptionSettings(env),
    tenantCacheTtlMs: env.TENANT_CACHE_TTL_MS,
    rateLimitPerMinute: {
      basic: env.RATE_LIMIT_BASIC_PER_MINUTE,
      standard: env.RATE_LIMIT_STANDARD_PER_MINUTE,
      premium: env.RATE_LIMIT_PREMIUM_PER_MINUTE,
    },
    idempotencyTtlSeconds: env.IDEMPOTENCY_TTL_HOURS * 3_600,
    trustProxy: env.TRUST_PROXY,
  })
}

/**
 * Requests are admitted before their bodies arrive and grow after that, so shedding starts with
 * room to spare: at 70% of the memory the process may use (RSS), and at 80% of V8's heap limit,
 * past which V8 spends its time collecting and then aborts. On a 512 MB task, RSS sheds near 360 MB.
 */
const RSS_SHARE_OF_MEMORY_LIMIT = 0.7
const HEAP_SHARE_OF_HEAP_LIMIT = 0.8

function memoryThresholds(env: z.infer<typeof envSchema>, memory: RuntimeMemory) {
  const limitBytes = env.MEMORY_LIMIT_BYTES ?? memory.limitBytes
  return {
    memoryLimitBytes: limitBytes,
    maxHeapUsedBytes:
      env.LOAD_SHED_MAX_HEAP_USED_BYTES ?? Math.floor(memory.heapLimitBytes * HEAP_SHARE_OF_HEAP_LIMIT),
    maxRssBytes: env.LOAD_SHED_MAX_RSS_BYTES ?? Math.floor(limitBytes * RSS_SHARE_OF_MEMORY_LIMIT),
  }
}

function encryptionSettings(env: z.infer<typeof envSchema>): Config['encryption'] {
  const localMasterKeys = env.LOCAL_MASTER_KEYS ?? DEVELOPMENT_MASTER_KEYS
  // The first key listed is the current one unless LOCAL_MASTER_KEY_ID names another.
  const firstId = localMasterKeys.split(':')[0]?.trim() ?? 'dev'
  return {
    kmsKeyId: env.KMS_KEY_ID,
    localMasterKeys,
    localMasterKeyId: env.LOCAL_MASTER_KEY_ID ?? firstId,
    blindIndexKey: env.BLIND_INDEX_KEY ?? DEVELOPMENT_BLIND_INDEX_KEY,
    dataKeyMaxUses: env.DATA_KEY_MAX_USES,
    dataKeyMaxAgeMs: env.DATA_KEY_MAX_AGE_MS,
  }
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const child of Object.values(value)) {
    if (child && typeof child === 'object') deepFreeze(child)
  }
  return Object.freeze(value)
}
