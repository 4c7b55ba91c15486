// The real server as a child process on a loopback port, for tests of signals and sockets.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { join } from 'node:path'
import { projectRoot } from '../../scripts/dynamodb-local.js'
import { createTestTable } from './dynamodb.js'
import { sharedRedisEnv } from './redis.js'
import { TEST_JWT_SECRET } from './tokens.js'

interface TestLike {
  teardown(fn: () => unknown): void
}

export interface ServerProcess {
  child: ChildProcessWithoutNullStreams
  port: number
  /** Resolves with the exit code and the time (performance.now()) the process exited. */
  exited: Promise<{ code: number | null; at: number }>
  output(): string
  /** stdout lines that are JSON log entries. */
  logLines(): Record<string, unknown>[]
}

export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src', 'server.ts')], {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      PORT: '0',
      HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => {
    stdout += chunk
  })
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.on('exit', (code) => resolve({ code, at: performance.now() })),
  )
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listen line in: ${stdout}${stderr}`)), 30_000)
    const onData = () => {
      const match = /listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)
      if (!match) return
      clearTimeout(timer)
      child.stdout.off('data', onData)
      resolve(Number(match[1]))
    }
    child.stdout.on('data', onData)
    // 'close', not 'exit': by then everything the process wrote has been read.
    child.on('close', () => reject(new Error(`server exited before listening: ${stdout}${stderr}`)))
  })
  return {
    child,
    port,
    exited,
    output: () => stdout + stderr,
    logLines: () =>
      stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  }
}

/**
 * The server on a fresh table in DynamoDB Local, accepting test tokens (tokens.ts), with `env` on
 * top; killed when `t` ends unless it has exited.
 */
export async function startTestServer(t: TestLike, env: Record<string, string> = {}): Promise<ServerProcess> {
  const [server] = await startTestServers(t, 1, env)
  return server as ServerProcess
}

/** `count` servers on one fresh table, as instances behind a load balancer, started side by side. */
export async function startTestServers(
  t: TestLike,
  count: number,
  env: Record<string, string> = {},
): Promise<ServerProcess[]> {
  const { endpoint, tableName } = await createTestTable()
  const started = Array.from({ length: count }, () =>
    startServerProcess({
      DYNAMODB_ENDPOINT: endpoint,
      APP_TABLE_NAME: tableName,
      JWT_SECRET: TEST_JWT_SECRET,
      ...sharedRedisEnv(),
      ...env,
    }),
  )
  const outcomes = await Promise.allSettled(started)
  const servers: ServerProcess[] = []
  for (const outcome of outcomes) {
    if (outcome.status === 'rejected') continue
    const server = outcome.value
    servers.push(server)
    t.teardown(() => {
      if (server.child.exitCode === null) server.child.kill('SIGKILL')
    })
  }
  const failed = outcomes.find((outcome) => outcome.status === 'rejected')
  if (failed) throw failed.reason
  return servers
}
