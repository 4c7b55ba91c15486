// `npm run restore -- --from <dir | s3://bucket/prefix> [--table T] [--tenant T] [--mode missing-only|overwrite]`:
// verifies a backup whole, then writes it into the table (see docs/backup.md).
import { Command, Option } from 'commander'
import { runRestore } from '../src/ops/backup/commands.js'
import { RESTORE_MODES, type RestoreMode } from '../src/ops/backup/index.js'
import { scriptContext } from '../src/ops/script-context.js'

const options = new Command('restore')
  .requiredOption('--from <location>', 'a folder, or s3://bucket/prefix, holding a backup')
  .option('--table <name>', 'the table to restore into (default: the configured one; created if missing)')
  .option('--tenant <id>', "restore only this tenant's items")
  .addOption(
    new Option('--mode <mode>', 'missing-only never replaces an item; overwrite does')
      .choices(RESTORE_MODES)
      .default('missing-only'),
  )
  .parse()
  .opts<{ from: string; table?: string; tenant?: string; mode: RestoreMode }>()

const context = scriptContext()
try {
  const { batchConcurrency, batchMaxAttempts } = context.config.dynamodb
  process.exitCode = await runRestore(context, options, {
    concurrency: batchConcurrency,
    backoff: { maxAttempts: batchMaxAttempts, baseDelayMs: 50, maxDelayMs: 5_000 },
  })
} finally {
  context.close()
}
