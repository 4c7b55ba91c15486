// `npm run tenant:purge -- --tenant T --confirm T --export <dir | s3://...> [--actor NAME]`: deletes
// every item of the tenant once its export is verified and current, keeps its record `offboarded`
// and records the purge in the platform's audit log (see docs/data-lifecycle.md).
import { Command } from 'commander'
import { runTenantPurge } from '../src/ops/lifecycle/tenant-commands.js'
import { scriptContext, wholeNumber } from '../src/ops/script-context.js'

const options = new Command('tenant:purge')
  .requiredOption('--tenant <id>', 'the tenant to purge')
  .requiredOption('--confirm <id>', 'the tenant id again')
  .requiredOption(
    '--export <location>',
    "the tenant's export (npm run tenant:export), newer than its last write",
  )
  .option('--actor <name>', 'who runs it, for the audit log (default: the OS user)')
  .option('--segments <n>', 'parallel scan segments', wholeNumber('--segments', 1, 1_000), 4)
  .parse()
  .opts<{ tenant: string; confirm: string; export: string; actor?: string; segments: number }>()

const context = scriptContext()
try {
  process.exitCode = await runTenantPurge(context, options)
} finally {
  context.close()
}
