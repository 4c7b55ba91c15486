import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb'
import t from 'tap'
import { loadConfig } from '../../src/config/config.js'
import { createDynamoDbClient } from '../../src/db/dynamodb-client.js'
import { parallelScan, type WireKey } from '../../src/ops/parallel-scan.js'
import { createTestTable } from '../helpers/dynamodb.js'

const ITEMS = 230

t.test('a parallel scan', async (t) => {
  const { endpoint, tableName } = await createTestTable()
  const client = createDynamoDbClient(loadConfig({ DYNAMODB_ENDPOINT: endpoint }).dynamodb)
  t.teardown(() => client.destroy())
  for (let start = 0; start < ITEMS; start += 25) {
    const puts = Array.from({ length: Math.min(25, ITEMS - start) }, (_, offset) => {
      const n = start + offset
      return {
        PutRequest: {
          Item: {
            pk: { S: `tenant#t${n % 3}#thing#${n}` },
            sk: { S: `thing#${n}` },
            n: { N: String(n) },
          },
        },
      }
    })
    await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: puts } }))
  }

  t.test('reads every item exactly once across segments, page by page', async (t) => {
    const seen = new Map<string, number>()
    const segmentsSeen = new Set<number>()
    const totals = await parallelScan({ client, tableName, segments: 4, pageSize: 17 }, (page) => {
      segmentsSeen.add(page.segment)
      t.ok(page.items.length <= 17, 'no page is larger than asked for')
      for (const item of page.items) seen.set(item.pk?.S as string, (seen.get(item.pk?.S as string) ?? 0) + 1)
    })
    t.equal(seen.size, ITEMS)
    t.ok(
      [...seen.values()].every((count) => count === 1),
      'no item twice',
    )
    t.same(totals, { scanned: ITEMS, matched: ITEMS })
    t.ok(segmentsSeen.size > 1, 'several segments served items')
  })

  t.test('applies a filter and counts what it read apart from what matched', async (t) => {
    const matched: string[] = []
    const totals = await parallelScan(
      {
        client,
        tableName,
        segments: 2,
        filter: { expression: 'begins_with(pk, :prefix)', values: { ':prefix': { S: 'tenant#t1#' } } },
      },
      (page) => {
        for (const item of page.items) matched.push(item.pk?.S as string)
      },
    )
    t.equal(matched.length, Math.ceil((ITEMS - 1) / 3))
    t.ok(matched.every((pk) => pk.startsWith('tenant#t1#')))
    t.same(totals, { scanned: ITEMS, matched: matched.length })
  })

  t.test('resumes each segment after its checkpoint and skips finished segments', async (t) => {
    // A first run stopped after one page of each segment; its checkpoints resume the rest.
    const firstRun = new Set<string>()
    const checkpoints: (WireKey | null | undefined)[] = []
    const controller = new AbortController()
    await parallelScan(
      { client, tableName, segments: 3, pageSize: 20, signal: controller.signal },
      (page) => {
        for (const item of page.items) firstRun.add(item.pk?.S as string)
        checkpoints[page.segment] = page.lastKey ?? null
        controller.abort()
      },
    )
    t.ok(firstRun.size > 0 && firstRun.size < ITEMS, 'the first run stopped part way')
    const secondRun = new Set<string>()
    await parallelScan({ client, tableName, segments: 3, pageSize: 20, startKeys: checkpoints }, (page) => {
      for (const item of page.items) secondRun.add(item.pk?.S as string)
    })
    t.equal(firstRun.size + secondRun.size, ITEMS, 'together the runs read every item')
    t.ok(
      [...secondRun].every((pk) => !firstRun.has(pk)),
      'the second run read nothing the first had',
    )
  })

  t.test('refuses a segment count that DynamoDB would not take', async (t) => {
    for (const segments of [0, 1.5, 1_000_001])
      await t.rejects(
        parallelScan({ client, tableName, segments }, () => {}),
        RangeError,
      )
  })

  t.test('a missing table is reported at once, not retried', async (t) => {
    const started = Date.now()
    await t.rejects(
      parallelScan({ client, tableName: `${tableName}-missing`, segments: 2 }, () => {}),
      { name: 'ResourceNotFoundException' },
    )
    t.ok(Date.now() - started < 5_000)
  })
})
