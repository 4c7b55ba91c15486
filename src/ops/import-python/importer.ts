// Imports the Python services' items from their table into tessera's: a parallel scan of the
// source, each page mapped (or rejected, by key, into the rejects file) and handed to the target
// (target.ts), which writes each item with its audit entry. An item already in the target is
// counted and left alone, so a run that stopped half-way is finished by running it again.
import { randomUUID } from 'node:crypto'
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { Config } from '../../config/config.js'
import { fromWire } from '../../db/wire.js'
import type { TenantModel } from '../../models/index.js'
import { type Clock, systemClock } from '../../services/clock.js'
import { parallelScan } from '../parallel-scan.js'
import { startProgress } from '../progress.js'
import { mapSourceItem, type PythonMapping } from './mapping.js'
import { PYTHON_MAPPINGS } from './mappings.js'
import { openRejectsFile, type RejectsFile } from './rejects-file.js'
import { emptySummary, type ImportSummary } from './summary.js'
import { dryRunTarget, writingTarget } from './target.js'

export interface ImportOptions {
  client: DynamoDBClient
  /** The same settings as the server's: how many writes at once, how long a deleted item stays. */
  dynamodb: Pick<Config['dynamodb'], 'batchConcurrency' | 'softDeleteRetentionDays'>
  sourceTable: string
  targetTable: string
  /** Maps, checks and looks up, but writes nothing to the target. */
  dryRun?: boolean
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
  const { client, dynamodb, targetTable } = options
  if (options.sourceTable === targetTable) throw new Error('the source and target tables are the same')
  const summary = emptySummary(options.dryRun ?? false)
  const target = summary.dryRun
    ? dryRunTarget(client, dynamodb, targetTable)
    : writingTarget(client, dynamodb, targetTable, { id: randomUUID(), clock: options.clock ?? systemClock })
  // Both fail before anything is read when the source table or the rejects file is not there to use.
  const approximateTotal = await approximateCount(client, options.sourceTable)
  const rejects = await openRejectsFile(options.rejectsPath)
  const progress = startProgress({
    label: summary.dryRun ? 'import (dry run)' : 'import',
    total: approximateTotal,
    ...(options.progressStream ? { stream: options.progressStream } : {}),
  })
  const stream = options.progressStream ?? process.stderr
  try {
    await parallelScan(
      {
        client,
        tableName: options.sourceTable,
        segments: options.segments,
        ...(options.pageSize ? { pageSize: options.pageSize } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      },
      async (page) => {
        const before = { ...summary }
        const mappings = options.mappings ?? PYTHON_MAPPINGS
        const models = await mapPage(page.items.map(fromWire), mappings, rejects, summary)
        const settled = models.length > 0 ? await target(models) : undefined
        if (settled) {
          summary.imported += settled.imported
          summary.alreadyImported += settled.alreadyImported
          summary.failed += settled.failed.length
          for (const { model, error } of settled.failed)
            stream.write(`not written: ${model.tenantId} ${model.id}: ${(error as Error).message}\n`)
        }
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

/** DynamoDB's item count (refreshed about every six hours), for the progress bar's total. */
async function approximateCount(client: DynamoDBClient, tableName: string): Promise<number> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }))
  return Table?.ItemCount ?? 0
}
