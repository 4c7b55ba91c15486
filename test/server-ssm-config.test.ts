// The real server process reading its configuration from SSM at start-up (a local
// GetParametersByPath, test/helpers/ssm-server.ts): the settings it took, the secret never in its
// output, and start-up stopped with a clear message when the configuration cannot be had.
import { createServer, type Socket } from 'node:net'
import t from 'tap'
import { call } from './helpers/http-client.js'
import { startServerProcess, startTestServer } from './helpers/server-process.js'
import { type StoredParameter, startSsmServer } from './helpers/ssm-server.js'
import { bearer, TEST_JWT_SECRET } from './helpers/tokens.js'

const PATH = '/acme/test/tessera/'

const ssmEnvironment = (endpoint: string) => ({
  CONFIG_SSM_PATH: '/{{ORGANIZATION_NAME}}/{{ENVIRONMENT}}/tessera/',
  ORGANIZATION_NAME: 'acme',
  ENVIRONMENT: 'test',
  SSM_ENDPOINT: endpoint,
})

/** The output of a server process that must exit before it listens, and how long it took. */
async function failedStart(env: Record<string, string>): Promise<{ output: string; ms: number }> {
  const started = performance.now()
  try {
    await startServerProcess(env)
  } catch (error) {
    return { output: (error as Error).message, ms: performance.now() - started }
  }
  throw new Error('the server started')
}

t.test('start-up reads the settings under the path; the SecureString never reaches the log', async (t) => {
  const parameters: StoredParameter[] = [
    { name: `${PATH}jwt-secret`, value: TEST_JWT_SECRET, type: 'SecureString' },
    { name: `${PATH}http/keep-alive-timeout-ms`, value: '61000' },
    { name: `${PATH}log-level`, value: 'info' },
    { name: `${PATH}unused-flag`, value: 'yes' },
  ]
  const ssm = await startSsmServer(t, parameters, { pageSize: 2 })
  const server = await startTestServer(t, {
    ...ssmEnvironment(ssm.endpoint),
    // Unset here, so that SSM's applies (LOG_LEVEL stays the environment's).
    JWT_SECRET: '',
    LOG_LEVEL: 'trace',
  })
  const answer = await call(server.port, { path: '/v2/groups', headers: { authorization: bearer() } })
  t.equal(answer.kind === 'response' && answer.status, 200, 'tokens signed with the secret from SSM verify')
  t.equal(ssm.requests.length, 2, 'two pages')

  const logs = server.logLines()
  t.match(
    logs.find((line) => line.msg === 'configuration read from SSM'),
    {
      level: 'info',
      ssmPath: PATH,
      settings: ['HTTP_KEEP_ALIVE_TIMEOUT_MS', 'JWT_SECRET'],
      overridden: ['LOG_LEVEL'],
    },
  )
  t.match(
    logs.find((line) => line.msg === 'parameters under the SSM path that are no setting'),
    {
      level: 'warn',
      parameters: [`${PATH}unused-flag`],
    },
  )
  server.child.kill('SIGTERM')
  await server.exited
  t.notMatch(server.output(), TEST_JWT_SECRET, 'the secret is nowhere in the output')
})

t.test('a bad value stops start-up, naming the setting and the parameter but not the value', async (t) => {
  const secret = 'too-short-secret'.slice(0, 12)
  const ssm = await startSsmServer(t, [{ name: `${PATH}jwt-secret`, value: secret, type: 'SecureString' }])
  const { output } = await failedStart({ ...ssmEnvironment(ssm.endpoint), LOG_LEVEL: 'trace' })
  t.match(output, `JWT_SECRET (SSM parameter ${PATH}jwt-secret): `)
  t.notMatch(output, secret)
})

t.test('an unfilled template stops start-up before SSM is asked', async (t) => {
  const ssm = await startSsmServer(t, [])
  const { output } = await failedStart({ ...ssmEnvironment(ssm.endpoint), ENVIRONMENT: '' })
  t.match(output, 'CONFIG_SSM_PATH: {{ENVIRONMENT}} needs ENVIRONMENT to be set')
  t.equal(ssm.requests.length, 0)
})

t.test('SSM not answering stops start-up at CONFIG_SSM_TIMEOUT_MS with a clear message', async (t) => {
  const sockets = new Set<Socket>()
  const silent = createServer((socket) => sockets.add(socket))
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    for (const socket of sockets) socket.destroy()
    silent.close()
  })
  const { port } = silent.address() as { port: number }
  const { output, ms } = await failedStart({
    ...ssmEnvironment(`http://127.0.0.1:${port}`),
    CONFIG_SSM_TIMEOUT_MS: '1000',
  })
  t.match(output, `could not read the SSM parameters under ${PATH} within 1000 ms (CONFIG_SSM_TIMEOUT_MS)`)
  // The process's own start (tsx compiling) comes on top of the bound.
  t.ok(ms < 10_000, `exited ${Math.round(ms)} ms after it was started`)
})
