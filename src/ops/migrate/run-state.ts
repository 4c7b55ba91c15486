// Which run a migration continues: the unfinished one with the same filters (resumed from its
// segments' checkpoints), or a new one. An unfinished run that aimed at other versions (the code
// changed since) is closed as abandoned; its checkpoints mean nothing for today's targets. Either
// way the runner takes the run's lease first (lease.ts).
import { newUlid } from '../../models/ids.js'
import { sumCounts } from './counts.js'
import { claimOrWait, type Lease } from './lease.js'
import { type MigrationRecords, newSegment, type RunRecord, type SegmentRecord } from './records.js'

export interface RunWanted {
  model?: string
  tenant?: string
  segments: number
  targetVersions: Record<string, number>
}

export interface RunState {
  record: RunRecord
  segments: SegmentRecord[]
  resumed: boolean
}

export async function startOrResume(
  records: MigrationRecords,
  wanted: RunWanted,
  lease: Lease,
  now: Date,
  print: (line: string) => void,
): Promise<RunState> {
  const unfinished = (await records.listRuns()).filter(
    (run) => run.status === 'running' && run.model === wanted.model && run.tenant === wanted.tenant,
  )
  for (const run of unfinished) {
    await claimOrWait(records, run.runId, lease, print)
    const stored = await records.segments(run.runId)
    if (sameTargets(run.targetVersions, wanted.targetVersions)) {
      const segments = Array.from(
        { length: run.segments },
        (_, segment) => stored.find((entry) => entry.segment === segment) ?? newSegment(segment),
      )
      const record = { ...run, attempts: run.attempts + 1 }
      await records.putRun(record)
      const done = sumCounts(segments.map((segment) => segment.counts)).scanned
      const segmentNote =
        run.segments === wanted.segments ? '' : ` (its own ${run.segments} segments, not ${wanted.segments})`
      print(
        `resuming migration run ${run.runId} started ${run.startedUtc}${segmentNote}: ${done} items already done`,
      )
      return { record, segments, resumed: true }
    }
    await records.putRun({
      ...run,
      status: 'abandoned',
      endedUtc: now.toISOString(),
      counts: sumCounts(stored.map((segment) => segment.counts)),
    })
    await records.release(run.runId, lease.owner)
    print(`migration run ${run.runId} aimed at other model versions: closed as abandoned, starting afresh`)
  }
  const record: RunRecord = {
    runId: newUlid(now.getTime()),
    ...(wanted.model ? { model: wanted.model } : {}),
    ...(wanted.tenant ? { tenant: wanted.tenant } : {}),
    targetVersions: wanted.targetVersions,
    segments: wanted.segments,
    startedUtc: now.toISOString(),
    status: 'running',
    attempts: 1,
  }
  await records.putRun(record)
  await claimOrWait(records, record.runId, lease, print)
  print(
    `migration run ${record.runId}: model ${wanted.model ?? 'all'}, tenant ${wanted.tenant ?? 'all'}, ${wanted.segments} segments`,
  )
  return {
    record,
    segments: Array.from({ length: wanted.segments }, (_, segment) => newSegment(segment)),
    resumed: false,
  }
}

function sameTargets(a: Record<string, number>, b: Record<string, number>): boolean {
  const names = Object.keys(a)
  return names.length === Object.keys(b).length && names.every((name) => a[name] === b[name])
}
