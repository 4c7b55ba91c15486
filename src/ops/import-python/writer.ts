// The importer's writes go through the server's own ChangeWriter (each group with its audit entry
// in one transaction, many per TransactWriteItems, conditions settled per item), on a gateway of
// the target table without an item cache: a script reads nothing back.
import { randomUUID } from 'node:crypto'
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { Config } from '../../config/config.js'
import type { BackoffOptions } from '../../db/backoff.js'
import { ChangeWriter } from '../../db/change-writer.js'
import { CursorCodec } from '../../db/cursor.js'
import { ItemCache } from '../../db/item-cache.js'
import { TableGateway } from '../../db/table-gateway.js'

/** A script may wait longer for a throttled table than a request can: giving up stops the run. */
export const IMPORT_BACKOFF: BackoffOptions = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 10_000 }

export function importWriter(
  client: DynamoDBClient,
  dynamodb: Pick<Config['dynamodb'], 'batchConcurrency' | 'softDeleteRetentionDays'>,
  tableName: string,
  backoff: BackoffOptions = IMPORT_BACKOFF,
): ChangeWriter {
  const gateway = new TableGateway(client, {
    tableName,
    // Cursors are never handed out here; the key only has to exist.
    cursors: new CursorCodec(randomUUID()),
    cache: new ItemCache({ ttlMs: 0, maxEntries: 0 }),
    batch: { backoff, concurrency: dynamodb.batchConcurrency },
  })
  return new ChangeWriter(gateway, {
    tableName,
    softDeleteRetentionSeconds: dynamodb.softDeleteRetentionDays * 86_400,
    backoff,
    concurrency: dynamodb.batchConcurrency,
  })
}
