import { spawnSync } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'
import t from 'tap'
import { projectRoot } from '../../scripts/dynamodb-local.js'
import { startServerProcess } from '../helpers/server-process.js'

const healthcheck = (port: number, env: Record<string, string> = { NODE_ENV: 'test' }) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot, 'scripts', 'healthcheck.ts')], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', PORT: String(port), ...env },
    encoding: 'utf8',
  }).status

t.test(
  'the container health check passes while the server is live, fails when nothing answers',
  async (t) => {
    // A DynamoDB that does not answer: liveness does not depend on it.
    const server = await startServerProcess({
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
    })
    t.teardown(() => server.child.kill('SIGKILL'))
    t.equal(healthcheck(server.port), 0, 'live')
    // A production task whose secrets are in SSM has none in its environment: the check needs none.
    t.equal(
      healthcheck(server.port, { NODE_ENV: 'production', CONFIG_SSM_PATH: '/acme/production/tessera/' }),
      0,
      'live, with the secrets in SSM',
    )

    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as { port: number }
    await new Promise((resolve) => closed.close(resolve))
    t.equal(healthcheck(port), 1, 'nothing listening')
  },
)
