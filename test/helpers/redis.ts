// A redis-server of the test's own (the Debian binary), on a free loopback port, nothing persisted.
// It can be killed and started again on the same port mid-test, or frozen (SIGSTOP) to play a
// Redis that holds connections open but answers nothing.
import { type ChildProcess, spawn } from 'node:child_process'
import net from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort } from '../../scripts/dynamodb-local.js'

const REDIS_SERVER = '/usr/bin/redis-server'

/**
 * `npm test -- --redis` starts one redis-server for the run and passes its URL here: every test
 * app and test server then runs with REDIS_URL, as an instance among several would, and the whole
 * suite must pass as it does without.
 */
export const SHARED_REDIS_VARIABLE = 'TESSERA_TEST_REDIS_URL'

/** REDIS_URL for a test instance: the run's shared Redis, when there is one. */
export function sharedRedisEnv(): Record<string, string> {
  const url = process.env[SHARED_REDIS_VARIABLE]
  return url ? { REDIS_URL: url } : {}
}
const START_TIMEOUT_MS = 10_000

interface TestLike {
  teardown(fn: () => unknown): void
}

export interface TestRedis {
  /** `redis://127.0.0.1:<port>` */
  url: string
  port: number
  /** SIGKILL: connections drop, new ones are refused, every key is gone. */
  kill(): Promise<void>
  /** A fresh, empty server on the same port, once it answers PING. */
  restart(): Promise<void>
  /** SIGSTOP: connections stay open and nothing is answered, until thaw(). */
  freeze(): void
  thaw(): void
}

/** Starts redis-server and stops it when `t` ends. */
export async function startTestRedis(t: TestLike): Promise<TestRedis> {
  const port = await freePort()
  let child = await launch(port)
  t.teardown(() => stop(child))
  return redisOn(
    port,
    () => child,
    async (next) => {
      await stop(child)
      child = await launch(next)
    },
  )
}

/** A redis-server for a whole test run (see SHARED_REDIS_VARIABLE); `stop` ends it. */
export async function startRunRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort()
  const child = await launch(port)
  return { url: `redis://127.0.0.1:${port}`, stop: () => stop(child) }
}

function redisOn(
  port: number,
  child: () => ChildProcess,
  relaunch: (port: number) => Promise<void>,
): TestRedis {
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill: () => stop(child()),
    restart: () => relaunch(port),
    freeze: () => child().kill('SIGSTOP'),
    thaw: () => child().kill('SIGCONT'),
  }
}

async function launch(port: number): Promise<ChildProcess> {
  const child = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  const killOnExit = () => child.kill('SIGKILL')
  process.once('exit', killOnExit)
  child.once('exit', () => process.removeListener('exit', killOnExit))
  let stderr = ''
  child.stderr?.on('data', (chunk) => {
    stderr += chunk
  })
  const deadline = performance.now() + START_TIMEOUT_MS
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${stderr}`)
    if (await answersPing(port)) return child
    await sleep(50)
  }
  child.kill('SIGKILL')
  throw new Error(`redis-server did not answer on port ${port} within ${START_TIMEOUT_MS} ms`)
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    let reply = ''
    const done = (answered: boolean) => {
      socket.destroy()
      resolve(answered)
    }
    socket.setTimeout(1_000, () => done(false))
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.on('data', (chunk) => {
      reply += chunk
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'))
    })
    socket.once('error', () => done(false))
  })
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGCONT')
    child.kill('SIGKILL')
  })
}
