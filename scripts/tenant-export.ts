// `npm run tenant:export -- --tenant T --to <dir | s3://bucket/prefix> [--segments N]`: a backup of
// kind `tenant-export` holding exactly the tenant's items (see docs/data-lifecycle.md).
import { Command } from 'commander'
import { runTenantExport } from '../src/ops/lifecycle/tenant-commands.js'
import { scriptContext, wholeNumber } from '../src/ops/script-context.js'

const options = new Command('tenant:export')
  .requiredOption('--tenant <id>', 'the tenant whose items to export')
  .requiredOption('--to <location>', 'a folder, or s3://bucket/prefix (must not hold a backup yet)')
  .option('--segments <n>', 'parallel scan segments', wholeNumber('--segments', 1, 1_000), 4)
  .parse()
  .opts<{ tenant: string; to: string; segments: number }>()

const context = scriptContext()
try {
  process.exitCode = await runTenantExport(context, options)
} finally {
  context.close()
}
