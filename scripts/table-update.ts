// `npm run table:update`: adds to the live table every index the models declare and it lacks (one
// at a time, waiting for each), reports indexes no model declares (deleted only with
// --delete-unused), and prints what it would do with --dry-run. Items stored before an index was
// added have no keys for it until `npm run migrate` writes them. See docs/data-lifecycle.md.
import { Command } from 'commander'
import { tableDefinition } from '../src/models/index.js'
import { scriptContext } from '../src/ops/script-context.js'
import { updateTable } from '../src/ops/table-update/index.js'
import { ALL_MODELS } from '../src/resources/index.js'

const options = new Command('table:update')
  .description("brings the live table's indexes in line with the models")
  .option('--dry-run', 'print the plan and change nothing', false)
  .option('--delete-unused', 'delete indexes no model declares, one at a time', false)
  .option('--table <name>', 'the table (APP_TABLE_NAME by default)')
  .parse()
  .opts<{ dryRun: boolean; deleteUnused: boolean; table?: string }>()

const context = scriptContext({ ...(options.table ? { tableName: options.table } : {}) })
try {
  const outcome = await updateTable({
    client: context.client,
    definition: tableDefinition(context.tableName, ALL_MODELS),
    deleteUnused: options.deleteUnused,
    dryRun: options.dryRun,
    signal: context.signal,
    report: (line) => console.log(`table:update: ${line}`),
  })
  if (outcome.stopped) {
    console.log('table:update: stopped; DynamoDB finishes the step under way, and a new run carries on')
    process.exitCode = 130
  } else if (outcome.plan.conflicts.length > 0) {
    console.log('table:update: changed nothing; delete such an index by hand, then run this again')
    process.exitCode = 1
  } else if (options.dryRun) {
    console.log('table:update: dry run, nothing changed')
  } else if (outcome.done.some((step) => step.action === 'create')) {
    console.log(
      'table:update: next, deploy the code that declares it, then `npm run migrate` writes its keys on the items stored before',
    )
  }
} finally {
  context.close()
}
