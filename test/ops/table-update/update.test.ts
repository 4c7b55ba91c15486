import {
  DescribeTableCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type UpdateTableCommand,
} from '@aws-sdk/client-dynamodb'
import t, { type Test } from 'tap'
import { ulid } from 'ulid'
import { loadConfig } from '../../../src/config/config.js'
import { createDynamoDbClient } from '../../../src/db/dynamodb-client.js'
import { ensureTable } from '../../../src/db/table-admin.js'
import { type TableDefinition, tableDefinition } from '../../../src/models/index.js'
import { updateTable } from '../../../src/ops/table-update/index.js'
import { ALL_MODELS } from '../../../src/resources/index.js'
import { MODELS_WITH_GSI4 } from '../../helpers/colored-group.js'
import { indexBuildEndpoint } from '../../helpers/dynamodb.js'

interface RunOptions {
  deleteUnused?: boolean
  dryRun?: boolean
  signal?: AbortSignal
  onLine?: (line: string) => void
}

async function setUp(t: Test, keep: (index: GlobalSecondaryIndex) => boolean = () => true) {
  const tableName = `update-${ulid().toLowerCase()}`
  const config = loadConfig({ DYNAMODB_ENDPOINT: await indexBuildEndpoint(), APP_TABLE_NAME: tableName })
  const client = createDynamoDbClient(config.dynamodb)
  const observer = createDynamoDbClient(config.dynamodb)
  t.teardown(() => {
    client.destroy()
    observer.destroy()
  })
  const today = tableDefinition(tableName, ALL_MODELS)
  const created = structuredClone(today)
  const kept = today.createTable.GlobalSecondaryIndexes?.filter(keep) ?? []
  const keyNames = new Set([
    'pk',
    'sk',
    ...kept.flatMap((index) => index.KeySchema?.map((key) => key.AttributeName)),
  ])
  created.createTable.GlobalSecondaryIndexes = kept
  created.createTable.AttributeDefinitions = today.createTable.AttributeDefinitions?.filter((attribute) =>
    keyNames.has(attribute.AttributeName),
  )
  await ensureTable(client, created)
  const indexes = async () => {
    const { Table } = await observer.send(new DescribeTableCommand({ TableName: tableName }))
    return Object.fromEntries(
      (Table?.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, index.IndexStatus]),
    )
  }
  /** Each UpdateTable the client sends, with the indexes' states when it was sent. */
  const updates: { input: UpdateTableCommand['input']; before: Record<string, unknown> }[] = []
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as UpdateTableCommand['input']
      if ('GlobalSecondaryIndexUpdates' in input) updates.push({ input, before: await indexes() })
      return next(args)
    },
    { step: 'initialize', name: 'recordUpdates' },
  )
  const run = async (definition: TableDefinition, options: RunOptions = {}) => {
    const { onLine, ...rest } = options
    const lines: string[] = []
    const report = (line: string) => {
      lines.push(line)
      onLine?.(line)
    }
    return { ...(await updateTable({ client, definition, pollMs: 50, report, ...rest })), lines }
  }
  return {
    client: client as DynamoDBClient,
    today,
    withGsi4: tableDefinition(tableName, MODELS_WITH_GSI4),
    indexes,
    updates,
    run,
  }
}

t.test('a dry run prints the plan and changes nothing', async (t) => {
  const { withGsi4, run, updates, indexes } = await setUp(t)
  const { lines, done } = await run(withGsi4, { dryRun: true })
  t.same(lines, ['create gsi4 (gsi4_pk HASH, gsi4_sk RANGE, projection ALL)'])
  t.same(done, [])
  t.same(updates, [])
  t.notOk('gsi4' in (await indexes()))
})

t.test('a missing index is added and waited for; a second run does nothing', async (t) => {
  const { withGsi4, run, updates, indexes } = await setUp(t)
  const first = await run(withGsi4)
  t.same(await indexes(), { gsi1: 'ACTIVE', gsi2: 'ACTIVE', gsi3: 'ACTIVE', gsi4: 'ACTIVE' })
  t.equal(updates.length, 1)
  t.same(updates[0]?.input.AttributeDefinitions, [
    { AttributeName: 'gsi4_pk', AttributeType: 'S' },
    { AttributeName: 'gsi4_sk', AttributeType: 'S' },
  ])
  t.same(
    first.done.map((step) => step.action),
    ['create'],
  )
  t.equal(first.lines[1], 'creating gsi4')
  t.match(first.lines.slice(2, -1), [/^waiting: gsi4 CREATING/], 'a progress line while it is created')
  t.equal(first.lines.at(-1), 'gsi4: done')

  const again = await run(withGsi4)
  t.same(again.done, [])
  t.same(again.lines, [`table ${withGsi4.createTable.TableName} has every index the models declare`])
  t.equal(updates.length, 1, 'no UpdateTable the second time')
})

t.test('several missing indexes: one UpdateTable each, each sent once the last is ACTIVE', async (t) => {
  const { withGsi4, run, updates, indexes } = await setUp(t, (index) => index.IndexName === 'gsi1')
  const { done } = await run(withGsi4)
  t.same(await indexes(), { gsi1: 'ACTIVE', gsi2: 'ACTIVE', gsi3: 'ACTIVE', gsi4: 'ACTIVE' })
  t.equal(done.length, 3)
  t.same(
    updates.map(({ input }) => input.GlobalSecondaryIndexUpdates?.map((update) => update.Create?.IndexName)),
    [['gsi2'], ['gsi3'], ['gsi4']],
  )
  for (const { before } of updates)
    t.ok(
      Object.values(before).every((status) => status === 'ACTIVE'),
      'nothing else was changing',
    )
})

t.test('an index no model declares is kept, or deleted with deleteUnused and waited for', async (t) => {
  const { today, withGsi4, run, updates, indexes } = await setUp(t)
  await run(withGsi4)
  updates.length = 0
  const kept = await run(today)
  t.same(kept.lines, ['keep gsi4: no model declares it (--delete-unused deletes it)'])
  t.same(updates, [])
  t.ok('gsi4' in (await indexes()))

  const deleted = await run(today, { deleteUnused: true })
  t.same(deleted.lines.slice(0, 2), ['delete gsi4', 'deleting gsi4'])
  t.equal(deleted.lines.at(-1), 'gsi4: done')
  t.same(await indexes(), { gsi1: 'ACTIVE', gsi2: 'ACTIVE', gsi3: 'ACTIVE' }, 'gone once the run ends')
  t.same(
    updates.map(({ input }) => input.GlobalSecondaryIndexUpdates),
    [[{ Delete: { IndexName: 'gsi4' } }]],
  )
})

t.test('stopped while it waits, it says so; the next run waits for the same index', async (t) => {
  const { withGsi4, run, updates, indexes } = await setUp(t)
  const controller = new AbortController()
  const stopped = await run(withGsi4, {
    signal: controller.signal,
    onLine: (line) => {
      if (line === 'creating gsi4') controller.abort()
    },
  })
  t.equal(stopped.stopped, true)
  t.same(stopped.done, [])
  t.equal(updates.length, 1, 'the index was asked for')

  const resumed = await run(withGsi4)
  t.equal(resumed.stopped, false)
  t.equal(updates.length, 1, 'and not asked for again')
  t.same(await indexes(), { gsi1: 'ACTIVE', gsi2: 'ACTIVE', gsi3: 'ACTIVE', gsi4: 'ACTIVE' })
})

t.test('a DescribeTable that does not show the new index yet is waited out, not acted on', async (t) => {
  const { client, withGsi4, run, updates, indexes } = await setUp(t)
  // The next few descriptions after the UpdateTable are stale: no gsi4 yet, everything ACTIVE.
  let stale = 0
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args)
      if (context.commandName === 'UpdateTableCommand') stale = 3
      if (context.commandName === 'DescribeTableCommand' && stale > 0) {
        stale--
        const { Table } = result.output as { Table?: { GlobalSecondaryIndexes?: { IndexName?: string }[] } }
        if (Table)
          Table.GlobalSecondaryIndexes = Table.GlobalSecondaryIndexes?.filter(
            (index) => index.IndexName !== 'gsi4',
          )
      }
      return result
    },
    { step: 'initialize', name: 'staleDescriptions' },
  )
  const { done, lines } = await run(withGsi4)
  t.equal(done.length, 1)
  t.equal(updates.length, 1, 'gsi4 was asked for once')
  t.ok(lines.includes('waiting: gsi4: not shown yet, 0s'), 'and waited for')
  t.same(await indexes(), { gsi1: 'ACTIVE', gsi2: 'ACTIVE', gsi3: 'ACTIVE', gsi4: 'ACTIVE' })
})

t.test('a table that does not exist is named in the error', async (t) => {
  const { client } = await setUp(t)
  await t.rejects(updateTable({ client, definition: tableDefinition('no-such-table', ALL_MODELS) }), {
    message: 'table no-such-table does not exist (npm run table:create creates it)',
  })
})
