// `npm run migrate`: rewrites items stored in an older shape, or with keys the models no longer
// compute, in the current shape (src/ops/migrate). Run it again after a stop or a crash and it
// resumes; `--status` lists the runs; `--dry-run` shows what it would do and writes nothing.
import { Command, InvalidArgumentError, Option } from 'commander'
import { TENANT_ID_PATTERN } from '../src/models/index.js'
import {
  formatRuns,
  MigrationBusyError,
  migrationRuns,
  reconciliation,
  runMigration,
} from '../src/ops/migrate/index.js'
import { MAX_SEGMENTS } from '../src/ops/parallel-scan.js'
import { scriptContext, wholeNumber } from '../src/ops/script-context.js'

const options = new Command('migrate')
  .description('migrate stored items to the current shape and keys of their models')
  .option('--model <name>', 'only items of this model (its model_name, e.g. group)')
  .option('--tenant <id>', 'only items of this tenant', (value: string) => {
    if (!TENANT_ID_PATTERN.test(value)) throw new InvalidArgumentError('not a tenant id')
    return value
  })
  .option('--dry-run', 'read and count, write nothing (not even checkpoints)', false)
  .addOption(
    new Option('--segments <n>', 'parallel scan segments of a new run').argParser(
      wholeNumber('--segments', 1, MAX_SEGMENTS),
    ),
  )
  .option('--status', 'list the runs recorded in the table, with their counts', false)
  .parse()
  .opts<{ model?: string; tenant?: string; dryRun: boolean; segments?: number; status: boolean }>()

const context = scriptContext()
try {
  if (options.status) {
    for (const line of formatRuns(await migrationRuns(context.client, context.tableName))) console.log(line)
  } else {
    const summary = await runMigration({
      client: context.client,
      tableName: context.tableName,
      ...(options.model ? { model: options.model } : {}),
      ...(options.tenant ? { tenant: options.tenant } : {}),
      ...(options.segments ? { segments: options.segments } : {}),
      dryRun: options.dryRun,
      signal: context.signal,
      print: (line) => console.log(line),
    })
    for (const item of summary.wouldMigrate)
      console.log(`would migrate ${item.modelName} v${item.from} → v${item.to}: ${item.pk} ${item.sk}`)
    if (summary.dryRun && summary.counts.migrated > summary.wouldMigrate.length)
      console.log(`... and ${summary.counts.migrated - summary.wouldMigrate.length} more`)
    for (const failure of summary.failures)
      console.log(`failed: ${failure.pk} ${failure.sk}: ${failure.reason}`)
    const what = summary.dryRun ? 'dry run (nothing written)' : `run ${summary.runId} ${summary.status}`
    console.log(`${what}: ${reconciliation(summary.counts)}`)
    if (summary.status === 'stopped') console.log('stopped part-way: run the same command again to resume')
    if (summary.counts.failed > 0) process.exitCode = 1
  }
} catch (error) {
  const { name, message } = error as Error
  if (error instanceof RangeError || error instanceof MigrationBusyError) console.error(`migrate: ${message}`)
  else console.error(`migrate: ${name}: ${message}\nstarted again, the run resumes where it stopped`)
  process.exitCode = 1
} finally {
  context.close()
}
