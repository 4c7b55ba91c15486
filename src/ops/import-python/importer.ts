// Imports the Python services' items from their table into tessera's: a parallel scan of the
// source, each page mapped (or rejected, by key, into the rejects file) and written through the
// ChangeWriter, each item with its audit entry, many to a transaction. An item already in the
// target is counted and left alone, so a run that stopped half-way is finished by running it again.
import { randomUUID } from 'node:crypto'
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { ChangeWriter } from '../../db/change-writer.js'
import { TransactionCancelledError } from '../../db/transactions.js'
import { fromWire } from '../../db/wire.js'
import { AppError } from '../../errors/app-error.js'
import { IMPORT_ACTOR, type TenantModel } from '../../models/index.js'
import { auditEntry, snapshot } from '../../services/audit.js'
import { type Clock, systemClock } from '../../services/clock.js'
import type { RequestContext } from '../../services/request-context.js'
import { WriteStamp } from '../../services/write-stamp.js'
import { parallelScan } from '../parallel-scan.js'
import { startProgress } from '../progress.js'
import { mapSourceItem, type PythonMapping } from './mapping.js'
import { PYTHON_MAPPINGS } from './mappings.js'
import { openRejectsFile, type RejectsFile } from './rejects-file.js'
import { emptySummary, type ImportSummary } from './summary.js'

export interface ImportOptions {
  client: DynamoDBClient
  sourceTable: string
  /** Writes to the target table; none in a dry run. */
  writer: ChangeWriter | undefined
  segments: number
  /** Items per scan page (DynamoDB's `Limit`); a page is at most 1 MB whatever this is. */
  pageSize?: number
  rejectsPath: string
  signal?: AbortSignal
  /** Where the progress goes (stderr by default). */
  progressStream?: NodeJS.WritableStream & { isTTY?: boolean }
  clock?: Clock
  mappings?: Readonly<Record<string, PythonMapping>>
}

export async function importPython(options: ImportOptions): Promise<ImportSummary> {
  const { writer } = options
  const summary = emptySummary(writer === undefined)
  // Both fail before anything is read when the source table or the rejects file is not there to use.
  const approximateTotal = await approximateCount(options.client, options.sourceTable)
  const rejects = await openRejectsFile(options.rejectsPath)
  const progress = startProgress({
    label: summary.dryRun ? 'import (dry run)' : 'import',
    total: approximateTotal,
    ...(options.progressStream ? { stream: options.progressStream } : {}),
  })
  const runId = randomUUID()
  const stream = options.progressStream ?? process.stderr
  const reportFailure = (model: TenantModel, error: unknown) =>
    stream.write(`not written: ${model.tenantId} ${model.id}: ${(error as Error).message}\n`)
  try {
    await parallelScan(
      {
        client: options.client,
        tableName: options.sourceTable,
        segments: options.segments,
        ...(options.pageSize ? { pageSize: options.pageSize } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      },
      async (page) => {
        const before = { ...summary }
        const models = await mapPage(
          page.items.map(fromWire),
          options.mappings ?? PYTHON_MAPPINGS,
          rejects,
          summary,
        )
        if (writer)
          await writePage(writer, models, runId, options.clock ?? systemClock, summary, reportFailure)
        else summary.imported += models.length
        progress.add(page.items.length, {
          [summary.dryRun ? 'would import' : 'imported']: summary.imported - before.imported,
          'already imported': summary.alreadyImported - before.alreadyImported,
          rejected: summary.rejected - before.rejected,
          ...(summary.failed > before.failed ? { failed: summary.failed - before.failed } : {}),
        })
      },
    )
  } finally {
    progress.stop()
    await rejects.close()
  }
  summary.stopped = options.signal?.aborted ?? false
  return summary
}

async function mapPage(
  items: readonly Record<string, unknown>[],
  mappings: Readonly<Record<string, PythonMapping>>,
  rejects: RejectsFile,
  summary: ImportSummary,
): Promise<TenantModel[]> {
  const models: TenantModel[] = []
  for (const item of items) {
    summary.read++
    const mapped = mapSourceItem(item, mappings)
    if ('model' in mapped) {
      models.push(mapped.model)
      continue
    }
    summary.rejected++
    summary.rejectedBy[mapped.rejection.reason]++
    await rejects.add(item, mapped.rejection)
  }
  return models
}

async function writePage(
  writer: ChangeWriter,
  models: readonly TenantModel[],
  runId: string,
  clock: Clock,
  summary: ImportSummary,
  reportFailure: (model: TenantModel, error: unknown) => void,
): Promise<void> {
  if (models.length === 0) return
  const stamp = WriteStamp.for(importerContext('', runId), clock)
  const failures = await writer.applyMany(
    models.map((model) => ({
      change: { kind: 'create' as const, model },
      effects: {
        create: [
          auditEntry(
            importerContext(model.tenantId, runId),
            model,
            'create',
            { oldValues: null, newValues: snapshot(model) },
            stamp,
          ),
        ],
      },
    })),
  )
  let already = 0
  for (const { change, error } of failures) {
    if (isAlreadyThere(error)) already++
    else reportFailure(change.model, error)
  }
  summary.alreadyImported += already
  summary.failed += failures.length - already
  summary.imported += models.length - failures.length
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

/** DynamoDB's item count (refreshed about every six hours), for the progress bar's total. */
async function approximateCount(client: DynamoDBClient, tableName: string): Promise<number> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }))
  return Table?.ItemCount ?? 0
}
