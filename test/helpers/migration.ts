// A table for migration tests: the raw clients beside it, the test history of groups, and ways to
// store old items and read back everything that is stored.
import { Writable } from 'node:stream'
import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb'
import { loadConfig } from '../../src/config/config.js'
import { createDocumentClient, createDynamoDbClient } from '../../src/db/dynamodb-client.js'
import { toWire } from '../../src/db/wire.js'
import type { Model, ModelClass } from '../../src/models/index.js'
import type { MigrationOptions } from '../../src/ops/migrate/index.js'
import { ALL_MODELS } from '../../src/resources/index.js'
import { createTestTable } from './dynamodb.js'
import { scanTable } from './table.js'
import { VersionedGroup } from './versioned-group.js'

/** Every model the table stores, groups with their test history (version 3, from 1). */
export const VERSIONED_MODELS: readonly ModelClass<Model>[] = [
  VersionedGroup as unknown as ModelClass<Model>,
  ...ALL_MODELS,
]

interface TestLike {
  teardown(fn: () => unknown): void
}

export async function migrationTable(t: TestLike, existing?: { endpoint: string; tableName: string }) {
  const { endpoint, tableName } = existing ?? (await createTestTable())
  const client = createDynamoDbClient(loadConfig({ DYNAMODB_ENDPOINT: endpoint }).dynamodb)
  const document = createDocumentClient(client)
  t.teardown(() => client.destroy())
  return {
    endpoint,
    tableName,
    client,
    document,
    /** The runner's options for this table, with the groups' test history. */
    options: (more: Partial<MigrationOptions> = {}): MigrationOptions => ({
      client,
      tableName,
      models: VERSIONED_MODELS,
      progressStream: silentStream,
      ...more,
    }),
    /** Stores items as they are (25 a request), bypassing every model. */
    async putRaw(items: readonly Record<string, unknown>[]) {
      for (let start = 0; start < items.length; start += 25) {
        let pending = items.slice(start, start + 25).map((item) => ({ PutRequest: { Item: toWire(item) } }))
        while (pending.length > 0) {
          const output = await client.send(
            new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }),
          )
          pending = (output.UnprocessedItems?.[tableName] ?? []) as typeof pending
        }
      }
    },
    /** Every item stored, the migrations' own records left out, by primary key. */
    async stored(): Promise<Map<string, Record<string, unknown>>> {
      const items = await scanTable({ document, tableName })
      return new Map(
        items
          .filter((item) => !String(item.pk).startsWith('migration#'))
          .map((item) => [`${item.pk} ${item.sk}`, item]),
      )
    },
  }
}

const silentStream = Object.assign(new Writable({ write: (_chunk, _encoding, done) => done() }), {
  isTTY: false,
})
