// Configuration from SSM Parameter Store: the real SDK client against a local GetParametersByPath
// (test/helpers/ssm-server.ts).
import { createServer, type Socket } from 'node:net'
import { GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm'
import t, { type Test } from 'tap'
import { ConfigError, DEVELOPMENT_JWT_SECRET, type Environment, loadConfig } from '../../src/config/config.js'
import { loadConfigWithSsm } from '../../src/config/ssm-config.js'
import { resolveSsmPath } from '../../src/config/ssm-variables.js'
import { type StoredParameter, startSsmServer } from '../helpers/ssm-server.js'

const PATH = '/acme/prod/tessera/'
const TEMPLATE = '/{{ORGANIZATION_NAME}}/{{ENVIRONMENT}}/tessera/'
const SECRET = 'a-secure-string-secret-from-ssm-0123'

const PARAMETERS: StoredParameter[] = [
  { name: `${PATH}jwt-secret`, value: SECRET, type: 'SecureString' },
  { name: `${PATH}log-level`, value: 'warn' },
  { name: `${PATH}body-limit-bytes`, value: '4096' },
  { name: `${PATH}dynamodb/max-sockets`, value: '20' },
  { name: `${PATH}cache-ttl-ms`, value: '1000' },
  { name: `${PATH}feature-flags`, value: 'on' },
  { name: '/acme/staging/tessera/log-level', value: 'debug' },
]

/** The environment of a task reading PATH from `endpoint`. */
const environmentFor = (endpoint: string, extra: Environment = {}): Environment => ({
  CONFIG_SSM_PATH: TEMPLATE,
  ORGANIZATION_NAME: 'acme',
  ENVIRONMENT: 'prod',
  SSM_ENDPOINT: endpoint,
  ...extra,
})

async function configError(t: Test, load: () => Promise<unknown>): Promise<string> {
  try {
    await load()
  } catch (error) {
    t.ok(error instanceof ConfigError, 'a ConfigError')
    return (error as Error).message
  }
  t.fail('no error')
  return ''
}

t.test(
  'every parameter under the path, over two pages: settings, SecureString decrypted, unknown names listed',
  async (t) => {
    const ssm = await startSsmServer(t, PARAMETERS, { pageSize: 4 })
    const { config, ssm: report } = await loadConfigWithSsm(environmentFor(ssm.endpoint))
    t.equal(config.jwt.secret, SECRET)
    t.equal(config.logLevel, 'warn')
    t.equal(config.bodyLimitBytes, 4_096)
    t.equal(config.dynamodb.maxSockets, 20, 'a nested name: dynamodb/max-sockets')
    t.equal(config.cache.ttlMs, 1_000)
    t.strictSame(report, {
      path: PATH,
      settings: ['BODY_LIMIT_BYTES', 'CACHE_TTL_MS', 'DYNAMODB_MAX_SOCKETS', 'JWT_SECRET', 'LOG_LEVEL'],
      overridden: [],
      unknown: [`${PATH}feature-flags`],
    })
    t.equal(ssm.requests.length, 2, 'two pages')
    t.match(ssm.requests[0], { Path: PATH, Recursive: true, WithDecryption: true, MaxResults: 10 })
    t.ok(ssm.requests[1]?.NextToken, 'the second page asked for with the token')
  },
)

t.test('the environment beats SSM, SSM beats the default', async (t) => {
  const ssm = await startSsmServer(t, PARAMETERS)
  const { config, ssm: report } = await loadConfigWithSsm(
    environmentFor(ssm.endpoint, { BODY_LIMIT_BYTES: '8192', LOG_LEVEL: '' }),
  )
  t.equal(config.bodyLimitBytes, 8_192, 'BODY_LIMIT_BYTES from the environment')
  t.equal(config.logLevel, 'warn', 'an empty variable is unset: LOG_LEVEL from SSM')
  t.equal(config.cors.credentials, false, 'CORS_CREDENTIALS from the default')
  t.strictSame(report?.overridden, ['BODY_LIMIT_BYTES'])
  t.notOk(report?.settings.includes('BODY_LIMIT_BYTES'))
})

t.test('a bad value names the setting and the parameter, never the value', async (t) => {
  const ssm = await startSsmServer(t, [
    { name: `${PATH}body-limit-bytes`, value: 'lots' },
    { name: `${PATH}jwt-secret`, value: 'short-secret', type: 'SecureString' },
  ])
  const message = await configError(t, () => loadConfigWithSsm(environmentFor(ssm.endpoint)))
  t.match(message, `BODY_LIMIT_BYTES (SSM parameter ${PATH}body-limit-bytes): must be a whole number`)
  t.match(message, `JWT_SECRET (SSM parameter ${PATH}jwt-secret)`)
  t.notMatch(message, 'short-secret')
  t.notMatch(message, 'lots')
})

t.test('production rules see the settings from SSM', async (t) => {
  const ssm = await startSsmServer(t, [{ name: `${PATH}jwt-secret`, value: DEVELOPMENT_JWT_SECRET }])
  const message = await configError(t, () =>
    loadConfigWithSsm(environmentFor(ssm.endpoint, { NODE_ENV: 'production' })),
  )
  t.match(message, `JWT_SECRET (SSM parameter ${PATH}jwt-secret): production needs`)
})

t.test('only the environment says where the configuration is, and where the server listens', async (t) => {
  const ssm = await startSsmServer(t, [
    { name: `${PATH}config-ssm-path`, value: '/elsewhere/' },
    { name: `${PATH}aws-region`, value: 'eu-west-1' },
    { name: `${PATH}port`, value: '4000' },
  ])
  const { config, ssm: report } = await loadConfigWithSsm(environmentFor(ssm.endpoint))
  t.equal(config.dynamodb.region, 'us-east-1')
  t.equal(config.port, 3000, 'the container health check reads PORT from the environment')
  t.strictSame(report?.unknown, [`${PATH}aws-region`, `${PATH}config-ssm-path`, `${PATH}port`])
})

t.test('the path template: filled from the environment, or an error that says what is wrong', async (t) => {
  const both = { ORGANIZATION_NAME: 'acme', ENVIRONMENT: 'prod' }
  t.strictSame(resolveSsmPath(TEMPLATE, both), { path: PATH })
  t.strictSame(resolveSsmPath('/tessera/', {}), { path: '/tessera/' })
  const problems: [string, Environment, RegExp][] = [
    [TEMPLATE, { ORGANIZATION_NAME: 'acme' }, /\{\{ENVIRONMENT\}\} needs ENVIRONMENT to be set/],
    ['/{{REGION}}/tessera/', both, /\{\{REGION\}\} is not filled in/],
    ['/{{ENVIRONMENT/tessera/', both, /\{\{ is not filled in/],
    ['/acme/tessera', both, /must start and end with \//],
    ['acme/tessera/', both, /must start and end with \//],
    ['/acme//tessera/', both, /each part between slashes/],
    ['/aws/tessera/', both, /reserved/],
  ]
  for (const [template, environment, expected] of problems) {
    const resolved = resolveSsmPath(template, environment)
    t.match('problem' in resolved && resolved.problem, expected, template)
    t.throws(() => loadConfig({ CONFIG_SSM_PATH: template, ...environment }), /CONFIG_SSM_PATH: /)
  }
  t.throws(() => loadConfig({ CONFIG_SSM_PATH: PATH, ENVIRONMENT: 'prod/x' }), /ENVIRONMENT: may hold only/)
  const message = await configError(t, () =>
    loadConfigWithSsm({ CONFIG_SSM_PATH: TEMPLATE, ORGANIZATION_NAME: 'acme' }),
  )
  t.match(message, 'CONFIG_SSM_PATH: {{ENVIRONMENT}} needs ENVIRONMENT to be set')
})

t.test('SSM refusing connections: a ConfigError saying so, after a few quick retries', async (t) => {
  // A port that was just free: nothing listens on it.
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as { port: number }
  await new Promise((resolve) => probe.close(resolve))
  const started = performance.now()
  const message = await configError(t, () => loadConfigWithSsm(environmentFor(`http://127.0.0.1:${port}`)))
  t.match(message, `could not read the SSM parameters under ${PATH}: `)
  t.match(message, 'ECONNREFUSED')
  t.ok(performance.now() - started < 5_000)
})

t.test('SSM accepting but never answering: a ConfigError at CONFIG_SSM_TIMEOUT_MS, not a hang', async (t) => {
  const sockets = new Set<Socket>()
  const silent = createServer((socket) => sockets.add(socket))
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    for (const socket of sockets) socket.destroy()
    silent.close()
  })
  const { port } = silent.address() as { port: number }
  const started = performance.now()
  const message = await configError(t, () =>
    loadConfigWithSsm(environmentFor(`http://127.0.0.1:${port}`, { CONFIG_SSM_TIMEOUT_MS: '800' })),
  )
  const elapsed = performance.now() - started
  t.match(message, `could not read the SSM parameters under ${PATH} within 800 ms (CONFIG_SSM_TIMEOUT_MS)`)
  t.ok(elapsed >= 750 && elapsed < 2_000, `failed after ${Math.round(elapsed)} ms`)
})

t.test('the local SSM decrypts a SecureString only when asked, as SSM does', async (t) => {
  const ssm = await startSsmServer(t, PARAMETERS)
  const client = new SSMClient({
    region: 'us-east-1',
    endpoint: ssm.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  })
  t.teardown(() => client.destroy())
  const read = async (WithDecryption: boolean) =>
    (await client.send(new GetParametersByPathCommand({ Path: PATH, WithDecryption }))).Parameters ?? []
  const plain = await read(false)
  t.strictSame(
    plain.map((parameter) => parameter.Name),
    [
      `${PATH}body-limit-bytes`,
      `${PATH}cache-ttl-ms`,
      `${PATH}feature-flags`,
      `${PATH}jwt-secret`,
      `${PATH}log-level`,
    ],
    'not recursive: dynamodb/max-sockets is a level down',
  )
  t.not(plain.find((parameter) => parameter.Type === 'SecureString')?.Value, SECRET)
  t.equal((await read(true)).find((parameter) => parameter.Type === 'SecureString')?.Value, SECRET)
})
