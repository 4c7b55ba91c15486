import { spawn } from 'node:child_process'
import { request } from 'node:http'
import { join } from 'node:path'
import t from 'tap'
import { projectRoot } from '../scripts/dynamodb-local.js'
import { createTestTable } from './helpers/dynamodb.js'

const serverEntry = join(projectRoot, 'src', 'server.ts')

function runServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', serverEntry], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk) => {
    output += chunk
  })
  child.stderr.on('data', (chunk) => {
    output += chunk
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, exited, output: () => output }
}

t.test('a bad setting stops start-up with a message naming the variable', async (t) => {
  const server = runServer({ PORT: 'not-a-port', LOG_LEVEL: 'loud' })
  t.equal(await server.exited, 1)
  t.match(server.output(), /PORT/)
  t.match(server.output(), /LOG_LEVEL/)
})

t.test('production refuses the development JWT secret', async (t) => {
  const server = runServer({ NODE_ENV: 'production', CURSOR_SECRET: 'x'.repeat(32) })
  t.equal(await server.exited, 1)
  t.match(server.output(), /JWT_SECRET/)
})

t.test('the process serves HTTP on a real socket and exits cleanly on SIGTERM', async (t) => {
  const { endpoint, tableName } = await createTestTable()
  const server = runServer({
    PORT: '0',
    HOST: '127.0.0.1',
    DYNAMODB_ENDPOINT: endpoint,
    APP_TABLE_NAME: tableName,
  })
  t.teardown(() => server.child.kill('SIGKILL'))
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listen line in: ${server.output()}`)), 20_000)
    server.child.stdout.on('data', () => {
      const match = /listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(server.output())
      if (match) {
        clearTimeout(timer)
        resolve(Number(match[1]))
      }
    })
  })
  const status = await new Promise<number | undefined>((resolve, reject) => {
    request({ port, host: '127.0.0.1', path: '/health/ready' }, (response) => {
      response.resume()
      resolve(response.statusCode)
    })
      .on('error', reject)
      .end()
  })
  t.equal(status, 200)
  server.child.kill('SIGTERM')
  t.equal(await server.exited, 0)
})
