// `npm run archive -- --before <date> [--model M] [--tenant T] [--deleted-only] --to <dir | s3://...>`:
// moves old (or soft-deleted) items to an archive, then deletes those still unchanged
// (see docs/data-lifecycle.md). `--resume` goes on with a run stopped at --to.
import { Command } from 'commander'
import { runArchive } from '../src/ops/lifecycle/archive-command.js'
import { scriptContext, wholeNumber } from '../src/ops/script-context.js'

const options = new Command('archive')
  .requiredOption('--to <location>', 'a folder, or s3://bucket/prefix, for the archive')
  .option('--before <date>', 'items last updated before this time (ISO 8601)')
  .option('--model <name>', 'only this model (model_name); needed unless --deleted-only')
  .option('--tenant <id>', "only this tenant's items")
  .option('--deleted-only', 'only soft-deleted items', false)
  .option('--resume', 'go on with the run stopped at --to: its writing (same options), or its deletes', false)
  .option('--segments <n>', 'parallel scan segments', wholeNumber('--segments', 1, 1_000), 4)
  .parse()
  .opts<{
    to: string
    before?: string
    model?: string
    tenant?: string
    deletedOnly: boolean
    resume: boolean
    segments: number
  }>()

if (!options.before && !options.resume) {
  console.error('error: --before <date> is required (unless --resume of a complete archive)')
  process.exit(1)
}
const context = scriptContext()
try {
  process.exitCode = await runArchive(context, options)
} finally {
  context.close()
}
