// Backup tests: raw items of every attribute type, and the table's contents as canonical text.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type AttributeValue, BatchWriteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { loadConfig } from '../../src/config/config.js'
import type { BatchOptions } from '../../src/db/batch.js'
import { createDynamoDbClient } from '../../src/db/dynamodb-client.js'
import { encodeItem } from '../../src/ops/backup/index.js'
import { parallelScan, type WireItem } from '../../src/ops/parallel-scan.js'

export const TEST_BATCH: BatchOptions = {
  concurrency: 4,
  backoff: { maxAttempts: 8, baseDelayMs: 10, maxDelayMs: 200 },
}

export function rawClient(endpoint: string): DynamoDBClient {
  return createDynamoDbClient(loadConfig({ DYNAMODB_ENDPOINT: endpoint }).dynamodb)
}

/** A folder of the test's own, removed after it. */
export async function tempFolder(t: { teardown(fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-backup-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** Items no model writes: every attribute type, numbers DynamoDB keeps as written, nesting. */
export function rawItems(tenantId: string, count: number): WireItem[] {
  return Array.from({ length: count }, (_, n) => ({
    pk: { S: `tenant#${tenantId}#raw#${n}` },
    sk: { S: 'raw' },
    model_name: { S: 'raw_thing' },
    price: { N: '1.50' },
    big: { N: '12345678901234567890.000000000000000001' },
    tags: { SS: ['a', 'b', `n${n}`] },
    scores: { NS: ['1', '2.5', '-3'] },
    blobs: { BS: [Buffer.from([0, 1, 2, 255]), Buffer.from(`blob ${n}`)] },
    bytes: { B: Buffer.from([n % 256, 0, 128, 255]) },
    flag: { BOOL: n % 2 === 0 },
    nothing: { NULL: true },
    nested: {
      M: {
        list: { L: [{ S: 'x' }, { N: '0.10' }, { M: { deep: { B: Buffer.from('deep') } } }] },
        empty: { M: {} },
        name: { S: 'ünïcødé ✓ \n "quoted"' },
      },
    },
  }))
}

export async function putRaw(client: DynamoDBClient, tableName: string, items: readonly WireItem[]) {
  for (let start = 0; start < items.length; start += 25) {
    const puts = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }))
    await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: puts } }))
  }
}

/** Every item of the table as canonical DynamoDB JSON (attributes and set members sorted), sorted by key. */
export async function tableContents(client: DynamoDBClient, tableName: string): Promise<string[]> {
  const lines: string[] = []
  await parallelScan({ client, tableName, segments: 1, consistentRead: true }, (page) => {
    for (const item of page.items) lines.push(canonicalItem(item))
  })
  return lines.sort()
}

export function canonicalItem(item: WireItem): string {
  return encodeItem(canonicalMap(item) as WireItem)
}

function canonicalMap(map: Record<string, AttributeValue>): Record<string, AttributeValue> {
  return Object.fromEntries(
    Object.keys(map)
      .sort()
      .map((name) => [name, canonicalValue(map[name] as AttributeValue)]),
  )
}

function canonicalValue(value: AttributeValue): AttributeValue {
  if (value.M) return { M: canonicalMap(value.M) }
  if (value.L) return { L: value.L.map(canonicalValue) }
  if (value.SS) return { SS: [...value.SS].sort() }
  if (value.NS) return { NS: [...value.NS].sort() }
  if (value.BS) return { BS: [...value.BS].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))) }
  return value
}
