// `npm run bench:migrate`: the migration runner's items per second against a plain parallel scan and
// conditional put written with the SDK alone, on the same items, in the same run. N groups are stored
// as version 1 of a two-step history; each round resets them to version 1, then migrates them to
// version 3, once with runMigration and once with the plain loop (same segments, page size and
// writes in flight), in alternating order. `-- --quick` runs 500 items (what CI can afford).
import { ok } from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import {
  BatchWriteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb'
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb'
import { Command } from 'commander'
import { loadConfig } from '../../src/config/config.js'
import { createDynamoDbClient } from '../../src/db/dynamodb-client.js'
import { ensureTable } from '../../src/db/table-admin.js'
import {
  fromItem,
  Group,
  type Item,
  type Model,
  type ModelClass,
  tableDefinition,
  toItem,
} from '../../src/models/index.js'
import { runMigration } from '../../src/ops/migrate/index.js'
import { wholeNumber } from '../../src/ops/script-context.js'
import { ALL_MODELS } from '../../src/resources/index.js'
import { startDynamoDbLocal } from '../dynamodb-local.js'
import { groupInputs } from './group-input.js'
import { formatCount, formatRatio, median, printTable } from './measure.js'
import { reportTargets } from './targets.js'
import { VersionedGroup, v1Item } from './versioned-group.js'

const SEGMENTS = 4
/** Writes in flight per segment: the runner's default, and the plain loop's. */
const CONCURRENCY = 8
const PAGE_SIZE = 100
const TARGET_RATIO = 0.8
const WARMUP_ITEMS = 1_000
const TABLE = 'bench-migrate'

const options = new Command('bench:migrate')
  .option('--quick', '500 items, for CI', false)
  .option('--items <n>', 'items migrated per run', wholeNumber('--items', 1, 1_000_000))
  .option('--rounds <n>', 'rounds, each migrating with both', wholeNumber('--rounds', 1, 20), 3)
  .parse()
  .opts<{ quick: boolean; items?: number; rounds: number }>()
const count = options.items ?? (options.quick ? 500 : 20_000)

const MODELS: readonly ModelClass<Model>[] = [VersionedGroup as unknown as ModelClass<Model>, ...ALL_MODELS]
const v1Items = groupInputs(count).map((input) => marshall(v1Item(toItem(Object.assign(new Group(), input)))))

const local = await startDynamoDbLocal()
const client = createDynamoDbClient(
  loadConfig({ DYNAMODB_ENDPOINT: local.endpoint, APP_TABLE_NAME: TABLE }).dynamodb,
)
try {
  await ensureTable(client, tableDefinition(TABLE, ALL_MODELS))
  console.log(
    `Migration: ${formatCount(count)} groups v1 → v3, runner vs plain SDK loop, ${options.rounds} rounds`,
  )
  console.log(
    `Node ${process.version}; DynamoDB Local in memory; ${SEGMENTS} segments × ${CONCURRENCY} writes in flight, pages of ${PAGE_SIZE}\n`,
  )

  // DynamoDB Local is a JVM: both paths run once on a few items before anything is timed.
  const warmup = v1Items.slice(0, Math.min(WARMUP_ITEMS, count))
  for (const migrate of [withRunner, withSdk]) {
    await reset(client, warmup)
    await migrate()
  }

  const runs: {
    round: number
    kind: 'runner' | 'sdk'
    seconds: number
    migrated: number
    current: number
  }[] = []
  for (let round = 1; round <= options.rounds; round++) {
    const order = round % 2 === 1 ? (['runner', 'sdk'] as const) : (['sdk', 'runner'] as const)
    for (const kind of order) {
      await reset(client, v1Items)
      const started = performance.now()
      const migrated = kind === 'runner' ? await withRunner() : await withSdk()
      const seconds = (performance.now() - started) / 1_000
      runs.push({ round, kind, seconds, migrated, current: await currentGroups(client) })
    }
  }

  const rate = (kind: 'runner' | 'sdk') =>
    median(runs.filter((run) => run.kind === kind).map((run) => count / run.seconds))
  const rows = runs.map((run) => [
    String(run.round),
    run.kind === 'runner' ? 'runMigration' : 'plain SDK scan + conditional PutItem',
    run.seconds.toFixed(2),
    formatCount(count / run.seconds),
    formatCount(run.migrated),
    formatCount(run.current),
  ])
  rows.push(['median', 'runMigration', '', formatCount(rate('runner')), '', ''])
  rows.push(['median', 'plain SDK', '', formatCount(rate('sdk')), '', ''])
  printTable(['round', 'migration', 'seconds', 'items/s', 'migrated', 'v3 after'], rows, 2)

  const ratio = rate('runner') / rate('sdk')
  console.log('')
  reportTargets([
    {
      target: 'migrate: runner / plain SDK (items/s, medians)',
      measured: formatRatio(ratio),
      goal: `≥ ${TARGET_RATIO}×`,
      met: ratio >= TARGET_RATIO,
    },
  ])
  const short = runs.filter((run) => run.migrated !== count || run.current !== count)
  ok(short.length === 0, `runs that left items behind: ${JSON.stringify(short)}`)
  console.log(`every run migrated all ${formatCount(count)} groups, and each left them all at v3`)
} finally {
  client.destroy()
  await local.stop()
}

async function withRunner(): Promise<number> {
  const summary = await runMigration({
    client,
    tableName: TABLE,
    models: MODELS,
    segments: SEGMENTS,
    concurrency: CONCURRENCY,
    pageSize: PAGE_SIZE,
    progressStream: Object.assign(new PassThrough().resume(), { isTTY: false }),
  })
  ok(summary.status === 'done' && summary.counts.failed === 0, `runner: ${JSON.stringify(summary.counts)}`)
  return summary.attempt.migrated
}

/** The same migration with the SDK alone: each segment scans a page, writes its items, and goes on. */
async function withSdk(): Promise<number> {
  let migrated = 0
  await Promise.all(
    Array.from({ length: SEGMENTS }, async (_, segment) => {
      let startKey: Record<string, unknown> | undefined
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: TABLE,
            Segment: segment,
            TotalSegments: SEGMENTS,
            Limit: PAGE_SIZE,
            ...(startKey ? { ExclusiveStartKey: startKey as ScanCommand['input']['ExclusiveStartKey'] } : {}),
          }),
        )
        const items = (page.Items ?? []).filter(
          (item) => item.model_name?.S === 'group' && item.model_version?.N === '1',
        )
        let next = 0
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (next < items.length) {
              const stored = items[next++] as NonNullable<typeof items>[number]
              const upcast = toItem(fromItem(VersionedGroup, unmarshall(stored) as Item))
              await client.send(
                new PutItemCommand({
                  TableName: TABLE,
                  Item: marshall(upcast, { removeUndefinedValues: true }),
                  ConditionExpression: '#version = :version AND #model_version = :model_version',
                  ExpressionAttributeNames: { '#version': 'version', '#model_version': 'model_version' },
                  ExpressionAttributeValues: {
                    ':version': stored.version as NonNullable<typeof stored.version>,
                    ':model_version': stored.model_version as NonNullable<typeof stored.model_version>,
                  },
                }),
              )
              migrated++
            }
          }),
        )
        startKey = page.LastEvaluatedKey
      } while (startKey)
    }),
  )
  return migrated
}

/** Stores the items as they are (v1), 25 a request, a few requests at once. */
async function reset(client: DynamoDBClient, items: readonly Record<string, unknown>[]): Promise<void> {
  const chunks: (typeof items)[] = []
  for (let start = 0; start < items.length; start += 25) chunks.push(items.slice(start, start + 25))
  let next = 0
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < chunks.length) {
        let pending = (chunks[next++] ?? []).map((Item) => ({ PutRequest: { Item } }))
        while (pending.length > 0) {
          const output = await client.send(
            new BatchWriteItemCommand({ RequestItems: { [TABLE]: pending as never } }),
          )
          pending = (output.UnprocessedItems?.[TABLE] ?? []) as typeof pending
        }
      }
    }),
  )
}

/** Groups stored at version 3, counted with a paginated scan. */
async function currentGroups(client: DynamoDBClient): Promise<number> {
  let current = 0
  let startKey: ScanCommand['input']['ExclusiveStartKey']
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: TABLE,
        Select: 'COUNT',
        FilterExpression: 'model_name = :group AND model_version = :current',
        ExpressionAttributeValues: { ':group': { S: 'group' }, ':current': { N: '3' } },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    )
    current += page.Count ?? 0
    startKey = page.LastEvaluatedKey
  } while (startKey)
  return current
}
