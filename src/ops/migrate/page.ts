// One scanned page of a segment: its items migrated a few at a time, then the segment's checkpoint.
// Before the writes start, the checkpoint names the items about to be written (with the `version`
// each was read at), so an attempt killed between its writes and its checkpoint is not lost count
// of: the resumed run finds those items current at that same version, which only this migration's
// writes leave (every write of the API raises the version), and counts them migrated, once.
import { inChunks } from '../../db/batch.js'
import { fromWire } from '../../db/wire.js'
import type { ScanPage, WireItem } from '../parallel-scan.js'
import { addCounts, type Counts, zeroCounts } from './counts.js'
import { type ModelsByName, planItem } from './plan.js'
import {
  type FailedItem,
  MAX_FAILURES_KEPT,
  type MigrationRecords,
  type PendingItem,
  type SegmentRecord,
} from './records.js'
import { migrateItem, type WriteContext } from './write.js'

export interface WouldMigrate {
  pk: string
  sk: string
  modelName: string
  from: number
  to: number
}

export interface PageContext {
  models: ModelsByName
  write: WriteContext
  /** The run's records; absent in a dry run, which writes none. */
  records?: { store: MigrationRecords; runId: string }
  /** Writes in flight at once. */
  concurrency: number
  /** Filled with the first items a dry run would migrate, up to `wouldMigrateLimit`. */
  wouldMigrate: WouldMigrate[]
  wouldMigrateLimit: number
}

/** Migrates the page's items and checkpoints the segment after them; returns the page's counts. */
export async function migratePage(
  context: PageContext,
  segment: SegmentRecord,
  page: ScanPage,
): Promise<Counts> {
  // What an earlier attempt had under way stays listed until the scan meets those items (a page
  // may end elsewhere than the earlier attempt's did): killed again, the next still counts them.
  const carried = segment.pending ?? []
  const pending = new Map(carried.map(([pk, sk, version]) => [`${pk}\n${sk}`, version]))
  const planned = page.items.filter((item) => planItem(context.models, fromWire(item)).kind === 'migrate')
  if (context.records && planned.length > 0)
    await context.records.store.putSegment(context.records.runId, {
      ...segment,
      pending: [...carried, ...planned.map(pendingItem)],
    })
  const met = new Set<string>()
  const counts = zeroCounts()
  counts.scanned = page.items.length
  const failures: FailedItem[] = []
  await inChunks(page.items, 1, context.concurrency, async ([item]) => {
    const scanned = item as WireItem
    const result = await migrateItem(context.write, scanned)
    const [pk, sk, version] = pendingItem(scanned)
    let outcome = result.outcome
    const key = `${pk}\n${sk}`
    if (pending.has(key)) met.add(key)
    if (outcome === 'current' && result.conflicts === 0 && pending.has(key) && pending.get(key) === version)
      outcome = 'migrated'
    counts[outcome] += 1
    counts.conflicts += result.conflicts
    if (outcome === 'failed') failures.push({ pk, sk, reason: result.reason ?? '' })
    if (context.write.dryRun && result.migration && context.wouldMigrate.length < context.wouldMigrateLimit)
      context.wouldMigrate.push({ pk, sk, ...result.migration })
  })
  addCounts(segment.counts, counts)
  segment.read += page.scanned
  segment.lastKey = page.lastKey ?? null
  segment.failures = [...segment.failures, ...failures].slice(0, MAX_FAILURES_KEPT)
  const unmet = carried.filter(([pk, sk]) => !met.has(`${pk}\n${sk}`))
  if (unmet.length > 0) segment.pending = unmet
  else delete segment.pending
  if (context.records) await context.records.store.putSegment(context.records.runId, segment)
  return counts
}

function pendingItem(item: WireItem): PendingItem {
  return [String(item.pk?.S), String(item.sk?.S), item.version ? JSON.stringify(item.version) : null]
}
