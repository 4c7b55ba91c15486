// The one place that reads process.env: every setting is parsed here once (by the schema in
// env-schema.ts), validated and frozen.
import { z } from 'zod'
import { invalidConfiguration } from './config-error.js'
import { DEFAULT_TABLE_NAME } from './dynamodb-variables.js'
import { type Env, envSchema, headersTimeoutMs } from './env-schema.js'
import { HEAP_SHARE_OF_HEAP_LIMIT, RSS_SHARE_OF_MEMORY_LIMIT } from './operations-variables.js'
import { type RuntimeMemory, runtimeMemory } from './runtime-memory.js'
import { DEVELOPMENT_BLIND_INDEX_KEY, DEVELOPMENT_MASTER_KEYS } from './security-variables.js'
import { DEVELOPMENT_JWT_SECRET, serverVariables } from './server-variables.js'

export { ConfigError, invalidConfiguration } from './config-error.js'
export { ENVIRONMENT_VARIABLES } from './env-schema.js'
export { DEVELOPMENT_BLIND_INDEX_KEY, DEVELOPMENT_JWT_SECRET, DEVELOPMENT_MASTER_KEYS }

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
  /** Redis/Valkey shared by the instances (rate limits, invalidations); unset: everything per instance. */
  redisUrl: string | undefined
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
  /** Where backups in S3 are read and written (scripts only). */
  s3: { endpoint: string | undefined; region: string; forcePathStyle: boolean }
  usage: {
    /** How often usage counted in memory is added to the table; 0: no metering. */
    flushIntervalMs: number
    retentionDays: number
  }
}

/** This process's environment, with `overrides` on top (ssm-config.ts reads it from here too). */
export function processEnvironment(overrides: Environment = {}): Environment {
  return { ...process.env, ...overrides }
}

/** The configuration of this process from its environment alone (see ssm-config.ts for SSM). */
export function configFromProcess(overrides: Environment = {}): Readonly<Config> {
  return loadConfig(processEnvironment(overrides))
}

/**
 * Where the server listens, from the environment alone: all the container health check needs, so
 * it neither reads SSM nor fails on secrets the environment does not hold.
 */
export function listenAddressFromProcess(): { host: string; port: number } {
  const parsed = listenAddressSchema.safeParse(presentVariables(process.env))
  if (!parsed.success) throw invalidConfiguration(parsed.error.issues)
  return { host: parsed.data.HOST, port: parsed.data.PORT }
}

const listenAddressSchema = z.object({ HOST: serverVariables.HOST, PORT: serverVariables.PORT })

/** The variables that are set: empty strings mean "not set", as in most shells' `VAR=` usage. */
export function presentVariables(environment: Environment): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).filter((entry): entry is [string, string] => Boolean(entry[1])),
  )
}

/**
 * Parses an environment; throws a ConfigError naming every bad variable, and where a value came
 * from when `origins` says (`JWT_SECRET (SSM parameter /acme/prod/tessera/jwt-secret)`).
 */
export function loadConfig(
  environment: Environment,
  memory: RuntimeMemory = runtimeMemory(),
  origins: Readonly<Record<string, string>> = {},
): Readonly<Config> {
  const parsed = envSchema.safeParse(presentVariables(environment))
  if (!parsed.success) throw invalidConfiguration(parsed.error.issues, origins)
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
    redisUrl: env.REDIS_URL,
    encryption: encryptionSettings(env),
    tenantCacheTtlMs: env.TENANT_CACHE_TTL_MS,
    rateLimitPerMinute: {
      basic: env.RATE_LIMIT_BASIC_PER_MINUTE,
      standard: env.RATE_LIMIT_STANDARD_PER_MINUTE,
      premium: env.RATE_LIMIT_PREMIUM_PER_MINUTE,
    },
    idempotencyTtlSeconds: env.IDEMPOTENCY_TTL_HOURS * 3_600,
    trustProxy: env.TRUST_PROXY,
    s3: {
      endpoint: env.S3_ENDPOINT,
      region: env.S3_REGION ?? env.AWS_REGION,
      forcePathStyle: env.S3_FORCE_PATH_STYLE,
    },
    usage: { flushIntervalMs: env.USAGE_FLUSH_SECONDS * 1_000, retentionDays: env.USAGE_RETENTION_DAYS },
  })
}

function memoryThresholds(env: Env, memory: RuntimeMemory) {
  const limitBytes = env.MEMORY_LIMIT_BYTES ?? memory.limitBytes
  return {
    memoryLimitBytes: limitBytes,
    maxHeapUsedBytes:
      env.LOAD_SHED_MAX_HEAP_USED_BYTES ?? Math.floor(memory.heapLimitBytes * HEAP_SHARE_OF_HEAP_LIMIT),
    maxRssBytes: env.LOAD_SHED_MAX_RSS_BYTES ?? Math.floor(limitBytes * RSS_SHARE_OF_MEMORY_LIMIT),
  }
}

function encryptionSettings(env: Env): Config['encryption'] {
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
