// `npm run bench:backup` (`-- --quick` for CI, `-- --items N` for another size): backup and restore against the raw DynamoDB work
// under them, in the same run on the same table: a backup against a parallel scan that only
// counts, a restore (overwrite) against BatchWriteItem of the same items from memory; then the
// peak RSS of the compiled backup script over the whole table, in a process of its own.
import { execFile, execFileSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { loadConfig } from '../../src/config/config.js'
import { type BatchOptions, batchWriteWire } from '../../src/db/batch.js'
import { createDynamoDbClient } from '../../src/db/dynamodb-client.js'
import { ensureTable } from '../../src/db/table-admin.js'
import { tableDefinition } from '../../src/models/index.js'
import { openStore, restoreBackup, writeBackup } from '../../src/ops/backup/index.js'
import { parallelScan, type WireItem } from '../../src/ops/parallel-scan.js'
import { ALL_MODELS } from '../../src/resources/index.js'
import { projectRoot, startDynamoDbLocal } from '../dynamodb-local.js'
import { formatCount, formatRatio, median, printTable } from './measure.js'
import { reportTargets } from './targets.js'

const quick = process.argv.includes('--quick')
const itemsOption = process.argv.indexOf('--items')
const ITEMS = itemsOption > 0 ? Number(process.argv[itemsOption + 1]) : quick ? 5_000 : 100_000
const ROUNDS = quick ? 1 : 3
const SEGMENTS = 4
const BATCH: BatchOptions = {
  concurrency: 4,
  backoff: { maxAttempts: 8, baseDelayMs: 25, maxDelayMs: 2_000 },
}
const TARGET_RATIO = 0.8
const TARGET_RSS_MB = 150

// DynamoDB Local answers a full 1 MB scan page in seconds on a busy machine (AWS in well under one).
const REQUEST_TIMEOUT_MS = '60000'
const local = await startDynamoDbLocal()
const client = createDynamoDbClient(
  loadConfig({ DYNAMODB_ENDPOINT: local.endpoint, DYNAMODB_REQUEST_TIMEOUT_MS: REQUEST_TIMEOUT_MS }).dynamodb,
)
let tables = 0
const newTable = async () => {
  const name = `bench-backup-${++tables}`
  await ensureTable(client, tableDefinition(name, ALL_MODELS))
  return name
}
const folder = await mkdtemp(join(tmpdir(), 'tessera-bench-backup-'))
let failed = false
try {
  console.log(`Backup and restore: ${formatCount(ITEMS)} items, ${SEGMENTS} segments, ${ROUNDS} round(s)`)
  console.log(`Node ${process.version}; DynamoDB Local in memory\n`)
  const items = benchItems(ITEMS)
  const source = await newTable()
  await batchWriteWire(
    client,
    source,
    items.map((Item) => ({ PutRequest: { Item } })),
    { ...BATCH, concurrency: 8 },
  )

  const rows: string[][] = []
  const rates: Record<string, number[]> = { scan: [], backup: [], write: [], restore: [] }
  for (let round = 1; round <= ROUNDS; round++) {
    const target = join(folder, `round-${round}`)
    const scan = () =>
      timed('scan', async () => {
        let count = 0
        await parallelScan({ client, tableName: source, segments: SEGMENTS }, (page) => {
          count += page.items.length
        })
        return count
      })
    const backup = () =>
      timed('backup', async () => {
        const manifest = await writeBackup({
          client,
          tableName: source,
          target: openStore(target),
          segments: SEGMENTS,
          kind: 'backup',
        })
        return manifest.items
      })
    for (const run of round % 2 === 1 ? [scan, backup] : [backup, scan]) rows.push(await run())
    const restoreInto = await newTable()
    const writeInto = await newTable()
    const write = () =>
      timed('write', async () => {
        const failures = await batchWriteWire(
          client,
          writeInto,
          items.map((Item) => ({ PutRequest: { Item } })),
          BATCH,
        )
        return items.length - failures.length
      })
    const restore = () =>
      timed('restore', async () => {
        const summary = await restoreBackup({
          client,
          tableName: restoreInto,
          source: openStore(target),
          mode: 'overwrite',
          batch: BATCH,
        })
        if (!summary.reconciled || summary.failures.length > 0)
          throw new Error('the restore did not reconcile')
        return Object.values(summary.counts).reduce((sum, tally) => sum + tally.restored, 0)
      })
    for (const run of round % 2 === 1 ? [write, restore] : [restore, write]) rows.push(await run())
  }
  printTable(['case', 'items', 'seconds', 'items/s'], rows)

  console.log('')
  const ratio = (ours: string, raw: string) => median(rates[ours] ?? []) / median(rates[raw] ?? [])
  const ratios = (
    [
      ['backup', 'scan', 'backup / parallel scan'],
      ['restore', 'write', 'restore (verify + write) / batch write'],
    ] as const
  ).map(([ours, raw, what]) => ({ what, value: ratio(ours, raw) }))

  // The backup as production runs it (compiled, `node dist/scripts/backup.js`), in a process of
  // its own; it prints its peak RSS (process.resourceUsage().maxRSS) with its summary.
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: projectRoot, stdio: 'inherit' })
  const child = await promisify(execFile)(
    process.execPath,
    [
      join(projectRoot, 'dist', 'scripts', 'backup.js'),
      '--to',
      join(folder, 'child'),
      '--segments',
      String(SEGMENTS),
    ],
    {
      cwd: projectRoot,
      env: {
        PATH: process.env.PATH ?? '',
        DYNAMODB_ENDPOINT: local.endpoint,
        DYNAMODB_REQUEST_TIMEOUT_MS: REQUEST_TIMEOUT_MS,
        APP_TABLE_NAME: source,
      },
    },
  )
  const summary = /backed up (\d+) items .* \(peak RSS (\d+) MB\)/.exec(child.stdout)
  if (!summary || Number(summary[1]) !== ITEMS)
    throw new Error(`the backup process did not back up ${ITEMS} items: ${child.stdout}`)
  const megabytes = Number(summary[2])
  console.log('')
  reportTargets([
    ...ratios.map(({ what, value }) => ({
      target: `backup: ${what} (items/s, medians)`,
      measured: formatRatio(value),
      goal: `≥ ${TARGET_RATIO}×`,
      met: value >= TARGET_RATIO,
    })),
    {
      target: `backup: peak RSS of node dist/scripts/backup.js over ${formatCount(ITEMS)} items`,
      measured: `${megabytes} MB`,
      goal: `< ${TARGET_RSS_MB} MB`,
      met: megabytes < TARGET_RSS_MB,
    },
  ])

  async function timed(kind: string, work: () => Promise<number>): Promise<string[]> {
    const started = performance.now()
    const count = await work()
    const seconds = (performance.now() - started) / 1_000
    if (count !== ITEMS) {
      failed = true
      console.error(`${kind}: ${count} items, expected ${ITEMS}`)
    }
    rates[kind]?.push(count / seconds)
    return [kind, formatCount(count), seconds.toFixed(2), formatCount(count / seconds)]
  }
} finally {
  client.destroy()
  await local.stop()
  await rm(folder, { recursive: true, force: true })
}
if (failed) process.exitCode = 1

/** Items of about 600 bytes: a user-like record with a set, a number, binary and a nested map. */
function benchItems(count: number): WireItem[] {
  return Array.from({ length: count }, (_, n) => ({
    pk: { S: `tenant#t${n % 50}#thing#${n}` },
    sk: { S: `thing#${n}` },
    model_name: { S: 'thing' },
    id: { S: `01J${String(n).padStart(23, '0')}` },
    name: { S: `Thing number ${n} with a name of ordinary length` },
    description: { S: 'x'.repeat(300) },
    price: { N: `${n}.50` },
    tags: { SS: ['alpha', 'beta', `t${n % 7}`] },
    digest: { B: Buffer.alloc(32, n % 256) },
    details: {
      M: {
        level: { N: String(n % 10) },
        note: { S: 'nested' },
        flags: { L: [{ BOOL: true }, { NULL: true }] },
      },
    },
    created_utc: { S: '2026-12-01T12:00:00.000Z' },
    version: { N: '1' },
  }))
}
