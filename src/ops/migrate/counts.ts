// What a migration run counts. Every item it examines ends in exactly one outcome, so the outcomes
// add up to `scanned`; `conflicts` counts the writes retried from a fresh copy on the way.

export const OUTCOMES = ['migrated', 'current', 'newer', 'unknown', 'gone', 'failed'] as const
export type Outcome = (typeof OUTCOMES)[number]

export type Counts = Record<Outcome | 'scanned' | 'conflicts', number>

/** How each count is named on the terminal. */
export const COUNT_LABELS: Readonly<Record<keyof Counts, string>> = {
  scanned: 'scanned',
  migrated: 'migrated',
  current: 'already current',
  newer: 'skipped (newer than the code)',
  unknown: 'unknown model',
  gone: 'deleted meanwhile',
  failed: 'failed',
  conflicts: 'conflicts retried',
}

export function zeroCounts(): Counts {
  return { scanned: 0, migrated: 0, current: 0, newer: 0, unknown: 0, gone: 0, failed: 0, conflicts: 0 }
}

/** Adds `more` into `into` and returns it; absent counts (an older record) count as 0. */
export function addCounts(into: Counts, more: Partial<Counts>): Counts {
  for (const name of Object.keys(into) as (keyof Counts)[]) into[name] += more[name] ?? 0
  return into
}

export function sumCounts(all: readonly Partial<Counts>[]): Counts {
  return all.reduce<Counts>((sum, counts) => addCounts(sum, counts), zeroCounts())
}

/** `scanned 10 = migrated 7 + already current 3`: the outcomes that occurred, which add up. */
export function reconciliation(counts: Counts): string {
  const parts = OUTCOMES.filter((outcome) => counts[outcome] > 0).map(
    (outcome) => `${COUNT_LABELS[outcome]} ${counts[outcome]}`,
  )
  return `scanned ${counts.scanned} = ${parts.length > 0 ? parts.join(' + ') : '0'}; conflicts retried ${counts.conflicts}`
}
