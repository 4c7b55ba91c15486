import { spawnSync } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'
import t from 'tap'
import { projectRoot } from '../../scripts/dynamodb-local.js'
import { startServerProcess } from '../helpers/server-process.js'

const healthcheck = (port: number) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot, 'scripts', 'healthcheck.ts')], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', PORT: String(port) },
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

    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as { port: number }
    await new Promise((resolve) => closed.close(resolve))
    t.equal(healthcheck(port), 1, 'nothing listening')
  },
)
