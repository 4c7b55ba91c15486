export { COUNT_LABELS, type Counts, reconciliation } from './counts.js'
export { MigrationBusyError } from './lease.js'
export type { WouldMigrate } from './page.js'
export { type Plan, planItem } from './plan.js'
export type { FailedItem, RunRecord, RunStatus } from './records.js'
export {
  DEFAULT_LEASE_MS,
  DEFAULT_SEGMENTS,
  type MigrationOptions,
  type MigrationSummary,
  runMigration,
} from './runner.js'
export { formatRuns, migrationRuns, type RunReport } from './status.js'
