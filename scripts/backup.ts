// `npm run backup -- --to <dir | s3://bucket/prefix> [--tenant T] [--model M] [--segments N] [--resume]`:
// a logical backup of the table (see docs/backup.md).
import { Command } from 'commander'
import { runBackup } from '../src/ops/backup/commands.js'
import { scriptContext, wholeNumber } from '../src/ops/script-context.js'

const options = new Command('backup')
  .requiredOption('--to <location>', 'a folder, or s3://bucket/prefix (must not hold a backup yet)')
  .option('--tenant <id>', "only this tenant's items")
  .option('--model <name>', "only this model's items (model_name)")
  .option('--segments <n>', 'parallel scan segments', wholeNumber('--segments', 1, 1_000), 4)
  .option('--table <name>', 'the table (default: the configured one)')
  .option('--resume', 'go on with the interrupted backup in --to (same table, filter and segments)')
  .parse()
  .opts<{ to: string; tenant?: string; model?: string; segments: number; table?: string; resume?: boolean }>()

const context = scriptContext(options.table ? { tableName: options.table } : {})
try {
  process.exitCode = await runBackup(context, options)
} finally {
  context.close()
}
