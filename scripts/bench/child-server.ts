// A server in a child process of its own, listening on 127.0.0.1: spawned, timed until its readiness
// path first answers 200, asked for its resident memory and CPU time, and stopped. A child still running when
// this process exits is killed.
import { execFileSync, spawn } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import http from 'node:http'
import net from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { projectRoot } from '../dynamodb-local.js'

const POLL_INTERVAL_MS = 5
const STOP_TIMEOUT_MS = 10_000
const STDERR_KEPT = 4_000

export interface ChildServerOptions {
  /** Node's arguments: flags first, then the entry file. */
  nodeArgs: readonly string[]
  /** The child's environment (besides PATH, HOME, HOST and PORT, which are set here). */
  env: Readonly<Record<string, string>>
  /** Answers 200 once the server can serve. */
  readyPath: string
  /** Receives the child's stdout (its log lines); discarded when omitted. */
  logFile?: string
  startTimeoutMs?: number
}

export interface ChildServer {
  pid: number
  /** `http://127.0.0.1:<port>` */
  baseUrl: string
  /** Milliseconds from spawning the process to the first 200 from the readiness path. */
  readyMs: number
  /** Resident set size of the child, from /proc. */
  rssBytes(): Promise<number>
  /** CPU time (user and system) the child has used so far, from /proc, in microseconds. */
  cpuMicros(): Promise<number>
  stop(): Promise<void>
}

export async function spawnServer(options: ChildServerOptions): Promise<ChildServer> {
  const port = await freePort()
  const baseUrl = `http://127.0.0.1:${port}`
  const logFd = options.logFile === undefined ? undefined : openSync(options.logFile, 'w')
  const started = performance.now()
  const child = spawn(process.execPath, options.nodeArgs, {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...options.env,
      HOST: '127.0.0.1',
      PORT: String(port),
    },
    stdio: ['ignore', logFd ?? 'ignore', 'pipe'],
  })
  if (logFd !== undefined) closeSync(logFd)
  const killOnExit = () => child.kill('SIGKILL')
  process.once('exit', killOnExit)
  let stderr = ''
  child.stderr?.on('data', (chunk) => {
    stderr = `${stderr}${chunk}`.slice(-STDERR_KEPT)
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let hasExited = false
  void exited.then(() => {
    hasExited = true
  })

  const stop = async () => {
    process.removeListener('exit', killOnExit)
    if (hasExited) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS)
    await exited
    clearTimeout(timer)
  }

  const deadline = started + (options.startTimeoutMs ?? 30_000)
  try {
    while ((await statusOf(`${baseUrl}${options.readyPath}`)) !== 200) {
      if (hasExited) throw new Error(`server exited before it was ready: ${stderr.trim()}`)
      if (performance.now() > deadline) throw new Error(`server not ready in time: ${stderr.trim()}`)
      await sleep(POLL_INTERVAL_MS)
    }
  } catch (error) {
    await stop()
    throw error
  }
  const readyMs = performance.now() - started
  if (child.pid === undefined) throw new Error('the child has no pid')
  const pid = child.pid
  return { pid, baseUrl, readyMs, rssBytes: () => rssOf(pid), cpuMicros: () => cpuOf(pid), stop }
}

/** The status of a GET, or 0 when nothing answered (not listening yet). */
function statusOf(url: string): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get(url, { agent: false, timeout: 1_000 }, (response) => {
      response.resume()
      response.on('end', () => resolve(response.statusCode ?? 0))
    })
    request.on('timeout', () => request.destroy())
    request.on('error', () => resolve(0))
  })
}

async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const kilobytes = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]
  if (kilobytes === undefined) throw new Error(`no VmRSS for process ${pid}`)
  return Number(kilobytes) * 1024
}

/** Clock ticks per second, the unit of CPU times in /proc/<pid>/stat. */
const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim())

async function cpuOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name, which is in parentheses: utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(fields[11]) + Number(fields[12])
  return (ticks * 1_000_000) / CLOCK_TICKS_PER_SECOND
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}
