// What a run did. Every item read is counted once: imported (or, in a dry run, importable), found
// imported already, rejected, or failed to be written (then the run exits non-zero; a re-run
// finishes it), so read = imported + alreadyImported + rejected + failed.
import { REJECT_REASONS, type RejectReason } from './rejection.js'

export interface ImportSummary {
  dryRun: boolean
  /** Stopped by a signal before the whole source table was read. */
  stopped: boolean
  read: number
  imported: number
  alreadyImported: number
  rejected: number
  failed: number
  rejectedBy: Record<RejectReason, number>
}

export function emptySummary(dryRun: boolean): ImportSummary {
  const rejectedBy = Object.fromEntries(REJECT_REASONS.map((reason) => [reason, 0]))
  return {
    dryRun,
    stopped: false,
    read: 0,
    imported: 0,
    alreadyImported: 0,
    rejected: 0,
    failed: 0,
    rejectedBy: rejectedBy as Record<RejectReason, number>,
  }
}

export function describeSummary(summary: ImportSummary): string {
  const reasons = Object.entries(summary.rejectedBy)
    .filter(([, count]) => count > 0)
    .map(([reason, count]) => `${reason} ${count}`)
  const lines = [
    `${summary.dryRun ? 'dry run (nothing written): ' : ''}read ${summary.read}`,
    `${summary.dryRun ? 'would import' : 'imported'} ${summary.imported}`,
    `already imported ${summary.alreadyImported}`,
    `rejected ${summary.rejected}${reasons.length > 0 ? ` (${reasons.join(', ')})` : ''}`,
    ...(summary.failed > 0 ? [`failed ${summary.failed} (not written: run the import again)`] : []),
    ...(summary.stopped ? ['stopped before the end: run the import again to finish'] : []),
  ]
  return `${lines.join('\n  ')}\n`
}
