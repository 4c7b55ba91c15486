// `npm run migrate:import-python -- --source-table S [--target-table T] [--dry-run] [--segments N]
// [--rejects FILE]`: imports the items the Python services stored in their own table into tessera's
// table (see docs/data-lifecycle.md). Ctrl-C stops after the pages in flight; running it again
// finishes the job, since what was imported already is skipped.
import { Command } from 'commander'
import { importPython } from '../src/ops/import-python/importer.js'
import { describeSummary } from '../src/ops/import-python/summary.js'
import { scriptContext, wholeNumber } from '../src/ops/script-context.js'

const options = new Command('migrate:import-python')
  .description('Import the Python services’ items into tessera’s table, each with an audit entry')
  .requiredOption('--source-table <name>', 'the table the Python services wrote')
  .option('--target-table <name>', 'tessera’s table (default: APP_TABLE_NAME)')
  .option('--dry-run', 'map and report, write nothing', false)
  .option('--segments <n>', 'parallel scan segments', wholeNumber('--segments', 1, 1_000), 4)
  .option('--rejects <file>', 'where the rejected items are listed (NDJSON)', 'import-python-rejects.ndjson')
  .parse()
  .opts<{ sourceTable: string; targetTable?: string; dryRun: boolean; segments: number; rejects: string }>()

const context = scriptContext(options.targetTable ? { tableName: options.targetTable } : {})
try {
  const summary = await importPython({
    client: context.client,
    sourceTable: options.sourceTable,
    dynamodb: context.config.dynamodb,
    targetTable: context.tableName,
    dryRun: options.dryRun,
    segments: options.segments,
    rejectsPath: options.rejects,
    signal: context.signal,
  })
  process.stdout.write(`${options.sourceTable} → ${context.tableName}: ${describeSummary(summary)}`)
  if (summary.rejected > 0) process.stdout.write(`rejected items: ${options.rejects}\n`)
  process.exitCode = summary.stopped ? 130 : summary.failed > 0 ? 1 : 0
} catch (error) {
  process.stderr.write(`import-python: ${(error as Error).message}\n`)
  process.exitCode = 1
} finally {
  context.close()
}
