// The one place that reads process.env: every setting is parsed here once, validated and frozen.
import { z } from 'zod'

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
    JWT_ISSUER: z.string().min(1).optional(),
    JWT_AUDIENCE: z.string().min(1).optional(),
    CURSOR_SECRET: z.string().min(16).optional(),
    CORS_ORIGINS: commaList.default([]),
    CORS_CREDENTIALS: booleanFlag.default(false),
    BODY_LIMIT_BYTES: integer(1024).default(1_048_576),
  })
  .superRefine((env, ctx) => {
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
  })

export type Environment = Record<string, string | undefined>

export interface Config {
  env: 'development' | 'test' | 'production'
  host: string
  port: number
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
    issuer: string | undefined
    audience: string | undefined
  }
  cursorSecret: string
  cors: { origins: string[]; credentials: boolean }
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** The configuration of this process: its environment, with `overrides` on top. */
export function configFromProcess(overrides: Environment = {}): Readonly<Config> {
  return loadConfig({ ...process.env, ...overrides })
}

/** Parses an environment; throws a ConfigError naming every bad variable. */
export function loadConfig(environment: Environment): Readonly<Config> {
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
    jwt: { secret: jwtSecret, jwksUrl: env.JWT_JWKS_URL, issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE },
    // Outside production the cursor key falls back to one derived from the JWT secret, so a
    // development setup needs no extra variable; production must set its own (checked above).
    cursorSecret: env.CURSOR_SECRET ?? `cursor:${jwtSecret ?? DEVELOPMENT_JWT_SECRET}`,
    cors: { origins: env.CORS_ORIGINS, credentials: env.CORS_CREDENTIALS },
  })
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const child of Object.values(value)) {
    if (child && typeof child === 'object') deepFreeze(child)
  }
  return Object.freeze(value)
}
