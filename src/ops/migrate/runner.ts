// The migration runner: a parallel scan that rewrites every item below its model's current version,
// or whose keys differ from what the model computes today, while the server keeps running. Each
// segment checkpoints after every page it finishes, so a run stopped or killed anywhere resumes
// where it stopped; a dry run reads and counts but writes nothing, not even its checkpoints.
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { newUlid } from '../../models/ids.js'
import { type Model, type ModelClass, TENANT_ID_PATTERN } from '../../models/index.js'
import { ALL_MODELS } from '../../resources/index.js'
import { parallelScan, SCAN_BACKOFF } from '../parallel-scan.js'
import { startProgress } from '../progress.js'
import { addCounts, type Counts, sumCounts, zeroCounts } from './counts.js'
import { scanFilter } from './filter.js'
import { keepLease, MigrationBusyError } from './lease.js'
import { migratePage, type PageContext, type WouldMigrate } from './page.js'
import { modelsByName, targetVersions } from './plan.js'
import { type FailedItem, MigrationRecords, newSegment, type SegmentRecord } from './records.js'
import { startOrResume } from './run-state.js'

export interface MigrationOptions {
  client: DynamoDBClient
  tableName: string
  /** Only items of this model (its `model_name`). */
  model?: string
  /** Only items of this tenant (partition keys starting `tenant#<tenant>#`). */
  tenant?: string
  dryRun?: boolean
  /** Scan segments of a new run (a resumed run keeps its own); 4 by default. */
  segments?: number
  /** Writes in flight per segment; 8 by default. */
  concurrency?: number
  /** Items read per page, and so between checkpoints; 100 by default. */
  pageSize?: number
  /** The models and their histories; every model the table stores by default. */
  models?: readonly ModelClass<Model>[]
  /** Stops every segment after its current page; the run stays resumable. */
  signal?: AbortSignal
  /** Messages for the operator (a resumed run says so); none by default. */
  print?: (line: string) => void
  /** Where the progress bar or lines go; stderr by default. */
  progressStream?: NodeJS.WritableStream & { isTTY?: boolean }
  now?: () => Date
  /** How long the run's lease lasts unless renewed: a killed runner's successor waits this long at most. */
  leaseMs?: number
}

export interface MigrationSummary {
  /** Undefined for a dry run, which keeps no record. */
  runId: string | undefined
  resumed: boolean
  dryRun: boolean
  /** `stopped` when the signal stopped it part-way (run it again to resume). */
  status: 'done' | 'stopped'
  /** The whole run's counts, including what earlier attempts of a resumed run did. */
  counts: Counts
  /** What this attempt did. */
  attempt: Counts
  /** The first items that failed, with why (bounded per segment). */
  failures: FailedItem[]
  /** In a dry run, the first items it would migrate. */
  wouldMigrate: WouldMigrate[]
}

export const DEFAULT_SEGMENTS = 4
export const DEFAULT_LEASE_MS = 30_000
const MAX_WOULD_MIGRATE = 20

export async function runMigration(options: MigrationOptions): Promise<MigrationSummary> {
  const { client, tableName } = options
  const dryRun = options.dryRun ?? false
  const models = modelsByName(options.models ?? ALL_MODELS)
  if (options.model !== undefined && !models.has(options.model))
    throw new RangeError(`no model is named ${options.model} (known: ${[...models.keys()].join(', ')})`)
  if (options.tenant !== undefined && !TENANT_ID_PATTERN.test(options.tenant))
    throw new RangeError(`${JSON.stringify(options.tenant)} is not a tenant id`)
  const print = options.print ?? (() => {})
  const now = options.now ?? (() => new Date())
  const records = new MigrationRecords(client, tableName)
  const lease = { owner: newUlid(Date.now()), ms: options.leaseMs ?? DEFAULT_LEASE_MS }
  const run = dryRun
    ? undefined
    : await startOrResume(
        records,
        {
          ...(options.model ? { model: options.model } : {}),
          ...(options.tenant ? { tenant: options.tenant } : {}),
          segments: options.segments ?? DEFAULT_SEGMENTS,
          targetVersions: targetVersions(models),
        },
        lease,
        now(),
        print,
      )
  const segments: SegmentRecord[] =
    run?.segments ??
    Array.from({ length: options.segments ?? DEFAULT_SEGMENTS }, (_, segment) => newSegment(segment))

  const attempt = zeroCounts()
  const wouldMigrate: WouldMigrate[] = []
  const pageContext: PageContext = {
    models,
    write: { client, tableName, models, dryRun, backoff: SCAN_BACKOFF, maxConflicts: 10 },
    ...(run ? { records: { store: records, runId: run.record.runId } } : {}),
    concurrency: options.concurrency ?? 8,
    wouldMigrate,
    wouldMigrateLimit: MAX_WOULD_MIGRATE,
  }
  const progress = startProgress({
    label: dryRun ? 'migrate (dry run)' : 'migrate',
    ...(options.progressStream ? { stream: options.progressStream } : {}),
  })
  const alreadyRead = segments.reduce((sum, segment) => sum + segment.read, 0)
  void tableItemCount(client, tableName).then((count) => {
    if (count !== undefined) progress.setTotal(Math.max(count - alreadyRead, 0))
  })
  // A failure in one segment stops the others after their page, so nothing runs on unrecorded.
  const stop = new AbortController()
  const onAbort = () => stop.abort()
  options.signal?.addEventListener('abort', onAbort)
  if (options.signal?.aborted) stop.abort()
  let takenOver = false
  const held = run
    ? keepLease(records, run.record.runId, lease, () => {
        takenOver = true
        stop.abort()
      })
    : undefined
  try {
    await parallelScan(
      {
        client,
        tableName,
        segments: segments.length,
        pageSize: options.pageSize ?? 100,
        filter: scanFilter(options),
        startKeys: segments.map((segment) => segment.lastKey),
        signal: stop.signal,
      },
      async (page) => {
        try {
          const counts = await migratePage(pageContext, segments[page.segment] as SegmentRecord, page)
          addCounts(attempt, counts)
          progress.add(page.scanned, nonZero(counts))
        } catch (error) {
          stop.abort()
          throw error
        }
      },
    )
  } finally {
    options.signal?.removeEventListener('abort', onAbort)
    progress.stop()
    await held?.end()
  }
  if (takenOver)
    throw new MigrationBusyError(`migration run ${run?.record.runId} was taken over by another runner`)

  const counts = sumCounts(segments.map((segment) => segment.counts))
  const finished = segments.every((segment) => segment.lastKey === null)
  if (run && finished)
    await records.putRun({ ...run.record, status: 'done', endedUtc: now().toISOString(), counts })
  return {
    runId: run?.record.runId,
    resumed: run?.resumed ?? false,
    dryRun,
    status: finished ? 'done' : 'stopped',
    counts,
    attempt,
    failures: segments.flatMap((segment) => segment.failures),
    wouldMigrate,
  }
}

function nonZero(counts: Counts): Record<string, number> {
  const { scanned: _, ...outcomes } = counts
  return Object.fromEntries(Object.entries(outcomes).filter(([, value]) => value > 0))
}

async function tableItemCount(client: DynamoDBClient, tableName: string): Promise<number | undefined> {
  try {
    const output = await client.send(new DescribeTableCommand({ TableName: tableName }))
    return output.Table?.ItemCount
  } catch {
    return undefined // only the progress bar's total; the scan reports a missing table itself
  }
}
