import t, { type Test } from 'tap'
import {
  ConfigError,
  DEVELOPMENT_BLIND_INDEX_KEY,
  DEVELOPMENT_JWT_SECRET,
  DEVELOPMENT_MASTER_KEYS,
  type Environment,
  loadConfig,
} from '../../src/config/config.js'

const PRODUCTION_SECRET = 'a-production-secret-of-enough-length'
const CURSOR_SECRET = 'a-cursor-secret-of-enough-length'
// What production needs besides the JWT and cursor secrets: an encryption key and a blind index key.
const KEYS = { KMS_KEY_ID: 'alias/tessera-fields', BLIND_INDEX_KEY: 'a-blind-index-key-of-enough-length-32' }

function configError(t: Test, environment: Environment, variable: string, label: string) {
  let thrown: unknown
  try {
    loadConfig(environment)
  } catch (error) {
    thrown = error
  }
  t.ok(thrown instanceof ConfigError, `${label}: throws a ConfigError`)
  // The variable must be named as itself, not only as part of a longer name (PORT vs DYNAMODB_LOCAL_PORT).
  t.match(
    String((thrown as Error | undefined)?.message),
    new RegExp(`(?<![A-Z_])${variable}(?![A-Z_])`),
    label,
  )
}

t.test('defaults for an empty environment', async (t) => {
  // t.match: settings added later need not touch this test, but every default listed must hold.
  t.match(loadConfig({}), {
    env: 'development',
    host: '0.0.0.0',
    port: 3000,
    logLevel: 'info',
    bodyLimitBytes: 1_048_576,
    dynamodb: {
      region: 'us-east-1',
      endpoint: undefined,
      localPort: 8000,
      useLocalCredentials: false,
      tableName: 'tessera',
      maxSockets: 50,
      connectTimeoutMs: 1_000,
      requestTimeoutMs: 3_000,
      maxAttempts: 3,
      batchMaxAttempts: 8,
      batchConcurrency: 8,
      softDeleteRetentionDays: 30,
    },
    cache: { ttlMs: 5_000, maxEntries: 10_000 },
    jwt: { secret: DEVELOPMENT_JWT_SECRET, jwksUrl: undefined, issuer: undefined, audience: undefined },
    cursorSecret: `cursor:${DEVELOPMENT_JWT_SECRET}`,
    cors: { origins: [], credentials: false },
    health: { cacheTtlMs: 2_000, probeTimeoutMs: 1_000, degradedAfterMs: 500, maxEventLoopDelayMs: 200 },
    shutdown: { timeoutMs: 25_000, drainDelayMs: 0 },
    http: {
      keepAliveTimeoutMs: 65_000,
      headersTimeoutMs: 66_000,
      requestTimeoutMs: 120_000,
      linger: { timeoutMs: 5_000, maxBytes: 64 * 1024 * 1024 },
    },
    loadShedding: {
      maxEventLoopDelayMs: 1_000,
      maxEventLoopUtilization: 0,
      retryAfterSeconds: 5,
    },
  })
})

t.test('variables are parsed into their types', async (t) => {
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '8080',
    LOG_LEVEL: 'debug',
    AWS_REGION: 'eu-west-1',
    DYNAMODB_ENDPOINT: 'http://localhost:8000',
    DYNAMODB_MAX_ATTEMPTS: '5',
    JWT_SECRET: 'a-test-secret-long-enough',
    CORS_ORIGINS: 'https://a.example, https://b.example,,',
    CORS_CREDENTIALS: 'true',
    BODY_LIMIT_BYTES: '2048',
  })
  t.equal(config.env, 'test')
  t.equal(config.host, '127.0.0.1')
  t.equal(config.port, 8080)
  t.equal(config.logLevel, 'debug')
  t.equal(config.bodyLimitBytes, 2048)
  t.equal(config.dynamodb.region, 'eu-west-1')
  t.equal(config.dynamodb.endpoint, 'http://localhost:8000')
  t.equal(config.dynamodb.maxAttempts, 5)
  t.equal(config.jwt.secret, 'a-test-secret-long-enough')
  t.equal(config.cursorSecret, 'cursor:a-test-secret-long-enough')
  t.strictSame(config.cors, { origins: ['https://a.example', 'https://b.example'], credentials: true })
})

t.test('table name: GROUPS_TABLE_NAME, then APP_TABLE_NAME, then tessera', async (t) => {
  t.equal(loadConfig({ GROUPS_TABLE_NAME: 'groups', APP_TABLE_NAME: 'app' }).dynamodb.tableName, 'groups')
  t.equal(loadConfig({ APP_TABLE_NAME: 'app' }).dynamodb.tableName, 'app')
  t.equal(loadConfig({ GROUPS_TABLE_NAME: 'groups' }).dynamodb.tableName, 'groups')
  t.equal(loadConfig({}).dynamodb.tableName, 'tessera')
  t.equal(loadConfig({ GROUPS_TABLE_NAME: '', APP_TABLE_NAME: 'app' }).dynamodb.tableName, 'app')
  t.equal(loadConfig({ GROUPS_TABLE_NAME: '', APP_TABLE_NAME: '' }).dynamodb.tableName, 'tessera')
})

t.test('a bad PORT is refused, naming PORT', async (t) => {
  for (const port of ['abc', '70000', '-1', '3000.5', '65536']) {
    configError(t, { PORT: port }, 'PORT', `PORT=${port}`)
  }
  t.equal(loadConfig({ PORT: '65535' }).port, 65535, 'the highest port is fine')
})

t.test('a bad LOG_LEVEL is refused, naming LOG_LEVEL', async (t) => {
  for (const level of ['verbose', 'INFO', 'warning']) {
    configError(t, { LOG_LEVEL: level }, 'LOG_LEVEL', `LOG_LEVEL=${level}`)
  }
})

t.test('a bad DYNAMODB_ENDPOINT is refused, naming DYNAMODB_ENDPOINT', async (t) => {
  for (const endpoint of ['not a url', 'localhost:8000', 'ftp://localhost:8000', 'file:///tmp/db']) {
    configError(t, { DYNAMODB_ENDPOINT: endpoint }, 'DYNAMODB_ENDPOINT', `DYNAMODB_ENDPOINT=${endpoint}`)
  }
  t.equal(
    loadConfig({ DYNAMODB_ENDPOINT: 'https://dynamodb.local:8443' }).dynamodb.endpoint,
    'https://dynamodb.local:8443',
  )
})

t.test('every bad variable is named at once', async (t) => {
  configError(t, { PORT: 'x', LOG_LEVEL: 'loud' }, 'PORT', 'PORT among two')
  configError(t, { PORT: 'x', LOG_LEVEL: 'loud' }, 'LOG_LEVEL', 'LOG_LEVEL among two')
})

t.test('production refuses to run without a real JWT secret or JWKS', async (t) => {
  configError(t, { NODE_ENV: 'production', CURSOR_SECRET }, 'JWT_SECRET', 'no JWT_SECRET or JWKS')
  configError(
    t,
    { NODE_ENV: 'production', CURSOR_SECRET, JWT_SECRET: DEVELOPMENT_JWT_SECRET },
    'JWT_SECRET',
    'the development default secret',
  )
  configError(
    t,
    { NODE_ENV: 'production', CURSOR_SECRET, JWT_SECRET: '', JWT_JWKS_URL: '' },
    'JWT_SECRET',
    'empty JWT_SECRET and JWT_JWKS_URL',
  )
})

t.test('production refuses to run without CURSOR_SECRET', async (t) => {
  configError(
    t,
    { NODE_ENV: 'production', JWT_SECRET: PRODUCTION_SECRET },
    'CURSOR_SECRET',
    'no CURSOR_SECRET',
  )
  configError(
    t,
    { NODE_ENV: 'production', JWT_SECRET: PRODUCTION_SECRET, CURSOR_SECRET: '' },
    'CURSOR_SECRET',
    'empty CURSOR_SECRET',
  )
})

t.test('production runs with a real secret or a JWKS URL, and a cursor secret', async (t) => {
  const withSecret = loadConfig({
    NODE_ENV: 'production',
    JWT_SECRET: PRODUCTION_SECRET,
    CURSOR_SECRET,
    ...KEYS,
  })
  t.equal(withSecret.env, 'production')
  t.equal(withSecret.jwt.secret, PRODUCTION_SECRET)
  t.equal(withSecret.cursorSecret, CURSOR_SECRET)

  const withJwks = loadConfig({
    NODE_ENV: 'production',
    JWT_JWKS_URL: 'https://cognito-idp.us-east-1.amazonaws.com/pool/.well-known/jwks.json',
    CURSOR_SECRET,
    ...KEYS,
  })
  t.equal(withJwks.jwt.secret, undefined, 'no fallback secret when verifying through JWKS')
  t.equal(withJwks.jwt.jwksUrl, 'https://cognito-idp.us-east-1.amazonaws.com/pool/.well-known/jwks.json')
  t.equal(withJwks.cursorSecret, CURSOR_SECRET)
})

t.test('empty-string variables count as unset', async (t) => {
  const config = loadConfig({
    NODE_ENV: '',
    HOST: '',
    PORT: '',
    LOG_LEVEL: '',
    AWS_REGION: '',
    AWS_ACCESS_KEY_ID: '',
    DYNAMODB_ENDPOINT: '',
    DYNAMODB_MAX_ATTEMPTS: '',
    GROUPS_TABLE_NAME: '',
    JWT_SECRET: '',
    JWT_JWKS_URL: '',
    JWT_ISSUER: '',
    CURSOR_SECRET: '',
    CORS_CREDENTIALS: '',
  })
  t.strictSame(config, loadConfig({}))
})

t.test('the result is frozen, deeply', async (t) => {
  const config = loadConfig({ CORS_ORIGINS: 'https://a.example' })
  t.ok(Object.isFrozen(config), 'config')
  t.ok(Object.isFrozen(config.dynamodb), 'dynamodb')
  t.ok(Object.isFrozen(config.jwt), 'jwt')
  t.ok(Object.isFrozen(config.cors), 'cors')
  t.ok(Object.isFrozen(config.cors.origins), 'cors.origins')
  const writable = config as unknown as {
    port: number
    dynamodb: { tableName: string }
    cors: { origins: string[] }
  }
  t.throws(() => {
    writable.port = 1
  }, TypeError)
  t.throws(() => {
    writable.dynamodb.tableName = 'other'
  }, TypeError)
  t.throws(() => writable.cors.origins.push('https://evil.example'), TypeError)
  t.equal(config.port, 3000)
  t.equal(config.dynamodb.tableName, 'tessera')
  t.strictSame(config.cors.origins, ['https://a.example'])
})

t.test('useLocalCredentials only with an endpoint and no AWS_ACCESS_KEY_ID', async (t) => {
  const endpoint = 'http://localhost:8000'
  t.equal(loadConfig({ DYNAMODB_ENDPOINT: endpoint }).dynamodb.useLocalCredentials, true)
  t.equal(
    loadConfig({ DYNAMODB_ENDPOINT: endpoint, AWS_ACCESS_KEY_ID: '' }).dynamodb.useLocalCredentials,
    true,
  )
  t.equal(
    loadConfig({ DYNAMODB_ENDPOINT: endpoint, AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE' }).dynamodb
      .useLocalCredentials,
    false,
  )
  t.equal(loadConfig({}).dynamodb.useLocalCredentials, false)
  t.equal(loadConfig({ AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE' }).dynamodb.useLocalCredentials, false)
})

t.test('numbers must be plain digits', async (t) => {
  for (const port of [' ', '0x1F90', '1e3', '-1', '3000.5']) {
    t.throws(() => loadConfig({ PORT: port }), { name: 'ConfigError' }, JSON.stringify(port))
  }
  t.equal(loadConfig({ PORT: '8080' }).port, 8080)
})

t.test('operations settings are parsed into their types', async (t) => {
  const config = loadConfig({
    HEALTH_CACHE_TTL_MS: '0',
    HEALTH_PROBE_TIMEOUT_MS: '250',
    HEALTH_DEGRADED_AFTER_MS: '100',
    HEALTH_MAX_EVENT_LOOP_DELAY_MS: '50',
    HEALTH_DETAILS: 'true',
    OPS_PORT: '9464',
    SHUTDOWN_TIMEOUT_MS: '10000',
    SHUTDOWN_DRAIN_DELAY_MS: '3000',
    HTTP_KEEP_ALIVE_TIMEOUT_MS: '5000',
    HTTP_REQUEST_TIMEOUT_MS: '0',
    HTTP_LINGER_TIMEOUT_MS: '2000',
    HTTP_LINGER_MAX_BYTES: '0',
    LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0',
    LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION: '0.5',
    LOAD_SHED_MAX_HEAP_USED_BYTES: '1000000',
    LOAD_SHED_MAX_RSS_BYTES: '2000000',
    LOAD_SHED_RETRY_AFTER_SECONDS: '30',
  })
  t.strictSame(config.health, {
    cacheTtlMs: 0,
    probeTimeoutMs: 250,
    degradedAfterMs: 100,
    maxEventLoopDelayMs: 50,
    details: true,
  })
  t.equal(config.opsPort, 9464)
  t.equal(loadConfig({}).opsPort, 0, 'no operations listener unless asked')
  t.equal(loadConfig({}).health.details, false, 'health answers without details unless asked')
  t.strictSame(config.shutdown, { timeoutMs: 10_000, drainDelayMs: 3_000 })
  t.strictSame(config.http, {
    keepAliveTimeoutMs: 5_000,
    headersTimeoutMs: 6_000,
    requestTimeoutMs: 0,
    linger: { timeoutMs: 2_000, maxBytes: 0 },
  })
  t.match(config.loadShedding, { memoryLimitBytes: Number })
  t.strictSame(config.loadShedding, {
    maxEventLoopDelayMs: 0,
    maxEventLoopUtilization: 0.5,
    memoryLimitBytes: config.loadShedding.memoryLimitBytes,
    maxHeapUsedBytes: 1_000_000,
    maxRssBytes: 2_000_000,
    retryAfterSeconds: 30,
  })
  t.ok(Object.isFrozen(config.loadShedding), 'frozen like the rest')
})

t.test('memory load shedding is on by default, at shares of what the process may use', async (t) => {
  const MiB = 1024 ** 2
  const task512 = { limitBytes: 512 * MiB, heapLimitBytes: 280 * MiB }
  const byDefault = loadConfig({}, task512).loadShedding
  t.equal(byDefault.memoryLimitBytes, 512 * MiB)
  t.equal(byDefault.maxRssBytes, Math.floor(0.7 * 512 * MiB), 'RSS: 70% of the memory limit')
  t.equal(byDefault.maxHeapUsedBytes, Math.floor(0.8 * 280 * MiB), "heap: 80% of V8's heap limit")
  const configured = loadConfig({ MEMORY_LIMIT_BYTES: String(1024 * MiB) }, task512).loadShedding
  t.equal(configured.maxRssBytes, Math.floor(0.7 * 1024 * MiB), 'MEMORY_LIMIT_BYTES wins over the system')
  const off = loadConfig({ LOAD_SHED_MAX_HEAP_USED_BYTES: '0', LOAD_SHED_MAX_RSS_BYTES: '0' }, task512)
  t.match(off.loadShedding, { maxHeapUsedBytes: 0, maxRssBytes: 0 }, '0 still turns a threshold off')
  configError(t, { MEMORY_LIMIT_BYTES: '1000' }, 'MEMORY_LIMIT_BYTES', 'a memory limit under 64 MiB')

  const here = loadConfig({}).loadShedding
  t.ok(
    here.memoryLimitBytes > 0 && here.memoryLimitBytes < Number.POSITIVE_INFINITY,
    'this machine has a limit',
  )
  t.ok(here.maxHeapUsedBytes > 0 && here.maxRssBytes > 0)
})

t.test('bad operations settings are refused, naming the variable', async (t) => {
  for (const value of ['1.5', '-0.1', 'high', '.5']) {
    configError(
      t,
      { LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION: value },
      'LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION',
      `utilization ${value}`,
    )
  }
  configError(t, { SHUTDOWN_TIMEOUT_MS: '500' }, 'SHUTDOWN_TIMEOUT_MS', 'a shutdown budget under 1 s')
  configError(
    t,
    { SHUTDOWN_TIMEOUT_MS: '5000', SHUTDOWN_DRAIN_DELAY_MS: '5000' },
    'SHUTDOWN_DRAIN_DELAY_MS',
    'a drain delay that uses the whole budget',
  )
  configError(
    t,
    { HTTP_KEEP_ALIVE_TIMEOUT_MS: '65000', HTTP_REQUEST_TIMEOUT_MS: '30000' },
    'HTTP_REQUEST_TIMEOUT_MS',
    'a request timeout under the headers timeout',
  )
  configError(t, { PORT: '3000', OPS_PORT: '3000' }, 'OPS_PORT', 'the operations port on the main one')
  configError(t, { HTTP_LINGER_TIMEOUT_MS: '0' }, 'HTTP_LINGER_TIMEOUT_MS', 'no time to linger')
  configError(t, { HEALTH_CACHE_TTL_MS: '60001' }, 'HEALTH_CACHE_TTL_MS', 'a health cache over a minute')
  t.equal(
    loadConfig({ SHUTDOWN_TIMEOUT_MS: '5000', SHUTDOWN_DRAIN_DELAY_MS: '4999' }).shutdown.drainDelayMs,
    4999,
  )
  t.equal(
    loadConfig({ HTTP_KEEP_ALIVE_TIMEOUT_MS: '29000', HTTP_REQUEST_TIMEOUT_MS: '30000' }).http
      .requestTimeoutMs,
    30_000,
  )
})

t.test('production refuses to start without its own encryption and blind index keys', async (t) => {
  const base = { NODE_ENV: 'production', JWT_SECRET: PRODUCTION_SECRET, CURSOR_SECRET }
  configError(t, { ...base, BLIND_INDEX_KEY: KEYS.BLIND_INDEX_KEY }, 'KMS_KEY_ID', 'no key at all')
  configError(
    t,
    { ...base, BLIND_INDEX_KEY: KEYS.BLIND_INDEX_KEY, LOCAL_MASTER_KEYS: DEVELOPMENT_MASTER_KEYS },
    'KMS_KEY_ID',
    'the development master key',
  )
  configError(t, { ...base, KMS_KEY_ID: KEYS.KMS_KEY_ID }, 'BLIND_INDEX_KEY', 'no blind index key')
  const local = loadConfig({
    ...base,
    BLIND_INDEX_KEY: KEYS.BLIND_INDEX_KEY,
    LOCAL_MASTER_KEYS: `k2:${Buffer.alloc(32, 2).toString('base64')},k1:${Buffer.alloc(32, 1).toString('base64')}`,
  })
  t.equal(local.encryption.localMasterKeyId, 'k2', 'the first local key listed is the current one')
  t.equal(loadConfig({}).encryption.blindIndexKey, DEVELOPMENT_BLIND_INDEX_KEY)
})
