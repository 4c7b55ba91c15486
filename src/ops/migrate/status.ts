// `npm run migrate -- --status`: every run with its times and counts, newest first. A run still
// running (or stopped, or killed) shows what its segments have checkpointed so far.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { COUNT_LABELS, type Counts, sumCounts } from './counts.js'
import { type FailedItem, MigrationRecords, type RunRecord } from './records.js'

export interface RunReport extends RunRecord {
  counts: Counts
  failures: FailedItem[]
}

export async function migrationRuns(client: DynamoDBClient, tableName: string): Promise<RunReport[]> {
  const records = new MigrationRecords(client, tableName)
  const runs = (await records.listRuns()).sort((a, b) => (a.runId < b.runId ? 1 : -1))
  return Promise.all(
    runs.map(async (run) => {
      const segments = await records.segments(run.runId)
      return {
        ...run,
        counts: run.counts ?? sumCounts(segments.map((segment) => segment.counts)),
        failures: segments.flatMap((segment) => segment.failures),
      }
    }),
  )
}

/** Lines for the terminal: one block per run. */
export function formatRuns(runs: readonly RunReport[], now = Date.now()): string[] {
  if (runs.length === 0) return ['no migration runs recorded']
  return runs.flatMap((run) => [
    `${run.runId}  ${describeStatus(run, now)}  model ${run.model ?? 'all'}, tenant ${run.tenant ?? 'all'}, ${run.segments} segments, ${run.attempts} attempt(s)`,
    `  started ${run.startedUtc}, ended ${run.endedUtc ?? '-'}`,
    `  ${(Object.keys(COUNT_LABELS) as (keyof Counts)[]).map((name) => `${COUNT_LABELS[name]} ${run.counts[name]}`).join(', ')}`,
    ...run.failures.map((failure) => `  failed: ${failure.pk} ${failure.sk}: ${failure.reason}`),
  ])
}

function describeStatus(run: RunReport, now: number): string {
  if (run.status !== 'running') return run.status
  if (run.leaseUntil !== undefined && run.leaseUntil > now)
    return `running (a runner holds it until ${new Date(run.leaseUntil).toISOString()})`
  return 'running (no runner at work: started again, it resumes)'
}
