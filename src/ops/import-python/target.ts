// Where the mapped models go. A run writes each with its audit entry, many to a transaction, and
// counts a model whose key is taken as already imported; a dry run writes nothing and only looks
// the keys up, so its counts are the ones a run would have.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { Config } from '../../config/config.js'
import { batchGet } from '../../db/batch.js'
import { TransactionCancelledError } from '../../db/transactions.js'
import { AppError } from '../../errors/app-error.js'
import { IMPORT_ACTOR, primaryKeyOf, type TenantModel } from '../../models/index.js'
import { auditEntry, snapshot } from '../../services/audit.js'
import type { Clock } from '../../services/clock.js'
import type { RequestContext } from '../../services/request-context.js'
import { WriteStamp } from '../../services/write-stamp.js'
import { IMPORT_BACKOFF, importWriter } from './writer.js'

export interface Settled {
  imported: number
  alreadyImported: number
  failed: { model: TenantModel; error: unknown }[]
}

export type ImportTarget = (models: readonly TenantModel[]) => Promise<Settled>

type Settings = Pick<Config['dynamodb'], 'batchConcurrency' | 'softDeleteRetentionDays'>

export function writingTarget(
  client: DynamoDBClient,
  dynamodb: Settings,
  tableName: string,
  run: { id: string; clock: Clock },
): ImportTarget {
  const writer = importWriter(client, dynamodb, tableName)
  return async (models) => {
    const stamp = WriteStamp.for(importerContext('', run.id), run.clock)
    const failures = await writer.applyMany(
      models.map((model) => ({
        change: { kind: 'create' as const, model },
        effects: {
          create: [
            auditEntry(
              importerContext(model.tenantId, run.id),
              model,
              'create',
              { oldValues: null, newValues: snapshot(model) },
              stamp,
            ),
          ],
        },
      })),
    )
    const failed = failures
      .filter(({ error }) => !isAlreadyThere(error))
      .map(({ change, error }) => ({ model: change.model, error }))
    const alreadyImported = failures.length - failed.length
    return { imported: models.length - failures.length, alreadyImported, failed }
  }
}

export function dryRunTarget(client: DynamoDBClient, dynamodb: Settings, tableName: string): ImportTarget {
  const batch = { backoff: IMPORT_BACKOFF, concurrency: dynamodb.batchConcurrency }
  return async (models) => {
    const { items, unprocessed } = await batchGet(client, tableName, models.map(primaryKeyOf), batch, true)
    const stored = new Set(items.map((item) => `${item.pk}\n${item.sk}`))
    const unread = new Set(unprocessed.map((key) => `${key.pk}\n${key.sk}`))
    const settled: Settled = { imported: 0, alreadyImported: 0, failed: [] }
    for (const model of models) {
      const { pk, sk } = primaryKeyOf(model)
      if (unread.has(`${pk}\n${sk}`))
        settled.failed.push({ model, error: new Error('DynamoDB did not answer whether it is there') })
      else if (stored.has(`${pk}\n${sk}`)) settled.alreadyImported++
      else settled.imported++
    }
    return settled
  }
}

/** The importer as the author of the audit entries: no user, no address, no user agent. */
function importerContext(tenantId: string, runId: string): RequestContext {
  return { tenantId, userId: IMPORT_ACTOR, roles: [], correlationId: runId }
}

/**
 * A create whose own condition failed: the item is in the target already. (A transaction that kept
 * colliding with others is a TransactionCancelledError instead, and counts as failed.)
 */
function isAlreadyThere(error: unknown): boolean {
  return (
    error instanceof AppError && !(error instanceof TransactionCancelledError) && error.code === 'CONFLICT'
  )
}
