// `npm run bench:http`: the app over real HTTP, in child processes on 127.0.0.1, against an
// in-memory DynamoDB Local — (1) the cached hot path against bare Fastify, (2) the DB-bound path
// against raw SDK calls, (3) start-up time and memory after 100,000 requests, (4) the cost of usage
// metering per request, with and without it. Each comparison is measured within this run; a summary
// says which targets were met. BENCH_HTTP_PARTS=4 (or 1,3...) runs only those parts; `-- --quick`
// runs each part for a second or two (for CI; the targets are printed, never enforced).
import { execFileSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command } from 'commander'
import { projectRoot } from '../dynamodb-local.js'
import { startBenchTable } from './bench-server.js'
import { APP_ENTRY, COMPARED_NODE_FLAGS, type TargetResult } from './http-app.js'
import { dbPath } from './http-db-path.js'
import { hotPath } from './http-hot-path.js'
import { startupAndMemory } from './http-memory.js'
import { meteringCost } from './http-metering.js'
import { reportTargets } from './targets.js'

const OVERALL_TIMEOUT_MS = 12 * 60_000
const parts = new Set((process.env.BENCH_HTTP_PARTS ?? '1,2,3,4').split(','))
const { quick } = new Command('bench:http')
  .option('--quick', 'each part for a second or two', false)
  .parse()
  .opts<{ quick: boolean }>()

// A hard bound on the whole run; exiting also kills the servers and DynamoDB Local.
setTimeout(() => {
  console.error(`bench:http did not finish within ${OVERALL_TIMEOUT_MS / 60_000} minutes`)
  process.exit(1)
}, OVERALL_TIMEOUT_MS).unref()

// The servers run the compiled app, so it must be current.
execFileSync('npm', ['run', 'build', '--silent'], { cwd: projectRoot, stdio: 'inherit' })

const requireHere = createRequire(import.meta.url)
const versionOf = (name: string) => (requireHere(`${name}/package.json`) as { version: string }).version
console.log(
  `HTTP: Node ${process.version}, Fastify ${versionOf('fastify')}, autocannon ${versionOf('autocannon')}; everything on 127.0.0.1, DynamoDB Local in memory`,
)
console.log(
  `servers: ${APP_ENTRY} with production settings and LOG_LEVEL=info, its log lines going to a file; parts 1-2 run both sides as \`node ${COMPARED_NODE_FLAGS.join(' ')}\`, part 3 as plain \`node\`; load comes from this process\n`,
)

const table = await startBenchTable()
const logDir = await mkdtemp(join(tmpdir(), 'tessera-bench-http-'))
try {
  const results: TargetResult[] = []
  if (parts.has('1')) results.push(...(await hotPath(table, logDir, quick)))
  if (parts.has('2')) results.push(...(await dbPath(table, logDir, quick)))
  if (parts.has('3')) results.push(...(await startupAndMemory(table, logDir, quick)))
  if (parts.has('4')) results.push(await meteringCost(table, logDir, quick))
  reportTargets(results)
} finally {
  await rm(logDir, { recursive: true, force: true })
  await table.stop()
}
