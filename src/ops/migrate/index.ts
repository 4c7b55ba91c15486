export { COUNT_LABELS, type Counts, reconciliation } from './counts.js'
export type { WouldMigrate } from './page.js'
export { type Plan, planItem } from './plan.js'
export type { FailedItem, RunRecord, RunStatus } from './records.js'
export {
  DEFAULT_SEGMENTS,
  type MigrationOptions,
  type MigrationSummary,
  runMigration,
} from './runner.js'
export { formatRuns, migrationRuns, type RunReport } from './status.js'
