// An interrupted backup can be resumed: beside its parts it keeps what the run is (run.json) and,
// for each scan segment, the parts it finished and the key its scan reached. A resumed run starts
// each segment from there; a fresh run into the same location starts a new run id, so an earlier
// run's checkpoints are never taken for its own.
import { randomUUID } from 'node:crypto'
import type { WireKey } from '../parallel-scan.js'
import type { BackupStore } from './backup-store.js'
import { BackupError, type BackupFilter, type BackupKind, type ManifestPart } from './manifest.js'

export const RUN_NAME = 'checkpoints/run.json'

export interface RunInfo {
  runId: string
  table: string
  kind: BackupKind
  filter: BackupFilter
  segments: number
  startedAt: string
}

export interface SegmentCheckpoint {
  runId: string
  segment: number
  /** The segment's scan finished. */
  done: boolean
  /** Where its scan resumes (after this key); null when done. */
  lastKey: WireKey | null
  /** Every part of the segment so far, and their items per model. */
  parts: ManifestPart[]
  counts: Record<string, number>
}

export const checkpointName = (segment: number) =>
  `checkpoints/segment-${String(segment).padStart(4, '0')}.json`

/** A fresh run (its run.json written), or the interrupted one with its segments' checkpoints. */
export async function startRun(
  store: BackupStore,
  wanted: Omit<RunInfo, 'runId' | 'startedAt'>,
  startedAt: string,
  resume: boolean,
): Promise<{ run: RunInfo; checkpoints: (SegmentCheckpoint | undefined)[] }> {
  if (!resume) {
    const run = { runId: randomUUID(), ...wanted, startedAt }
    await store.writeText(RUN_NAME, `${JSON.stringify(run, null, 2)}\n`)
    return { run, checkpoints: [] }
  }
  const text = await store.readText(RUN_NAME)
  if (text === undefined) throw new BackupError(`${store.location} holds no interrupted backup to resume`)
  const run = JSON.parse(text) as RunInfo
  const differs: string[] = (['table', 'kind', 'segments'] as const).filter(
    (field) => run[field] !== wanted[field],
  )
  if (JSON.stringify(run.filter) !== JSON.stringify(wanted.filter)) differs.push('filter')
  if (differs.length > 0)
    throw new BackupError(
      `${store.location} holds an interrupted backup with another ${differs.join(', ')} (${JSON.stringify(run)}): resume it with the same options, or back up to a new location`,
    )
  const checkpoints = await Promise.all(
    Array.from({ length: run.segments }, async (_, segment) => {
      const saved = await store.readText(checkpointName(segment))
      const checkpoint = saved === undefined ? undefined : (JSON.parse(saved) as SegmentCheckpoint)
      return checkpoint?.runId === run.runId ? checkpoint : undefined
    }),
  )
  return { run, checkpoints }
}

export function saveCheckpoint(store: BackupStore, checkpoint: SegmentCheckpoint): Promise<void> {
  return store.writeText(checkpointName(checkpoint.segment), `${JSON.stringify(checkpoint)}\n`)
}
