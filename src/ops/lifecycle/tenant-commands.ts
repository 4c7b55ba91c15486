// What `npm run tenant:export` and `npm run tenant:purge` do apart from parsing their arguments.
import { userInfo } from 'node:os'
import { consoleOutput, failed, type Output, runBackup } from '../backup/commands.js'
import { createS3Client, openStore } from '../backup/index.js'
import { type Progress, startProgress } from '../progress.js'
import type { ScriptContext } from '../script-context.js'
import { type PurgeSummary, purgeTenant } from './tenant-purge.js'

export function runTenantExport(
  context: ScriptContext,
  command: { tenant: string; to: string; segments: number },
  output = consoleOutput,
) {
  return runBackup(context, { ...command, kind: 'tenant-export' }, output)
}

export interface PurgeCommand {
  tenant: string
  confirm: string
  export: string
  actor?: string
  segments: number
}

export async function runTenantPurge(context: ScriptContext, command: PurgeCommand, output = consoleOutput) {
  const { config } = context
  let progress: Progress | undefined
  // Until then another instance may still admit the tenant's requests from its cached standing.
  const settleMs = config.tenantCacheTtlMs + config.cache.ttlMs
  try {
    output.err(`verifying ${command.export} and the tenant's items against it`)
    const summary = await purgeTenant({
      client: context.client,
      tableName: context.tableName,
      tenantId: command.tenant,
      confirm: command.confirm,
      source: openStore(command.export, { s3: () => createS3Client(config.s3) }),
      actor: command.actor ?? userInfo().username,
      segments: command.segments,
      concurrency: config.dynamodb.batchConcurrency,
      settleMs,
      signal: context.signal,
      onDeleted: (outcome) => {
        progress ??= startProgress({ label: `purge of tenant ${command.tenant}` })
        progress.add(1, { [outcome]: 1 })
      },
    })
    progress?.stop()
    report(summary, command.tenant, output)
    return summary.reconciled && !summary.stopped && summary.writtenSince.length === 0 ? 0 : 1
  } catch (error) {
    progress?.stop()
    return failed('refused', error, output)
  }
}

function report(summary: PurgeSummary, tenant: string, output: Output) {
  output.out(`tenant ${tenant} offboarded; its items deleted (export started ${summary.export.startedAt})`)
  output.out('  model: exported = deleted + changed since, kept + already gone + record kept offboarded')
  for (const [model, t] of Object.entries(summary.counts)) {
    const mark = t.exported === t.deleted + t.kept + t.gone + t.offboarded ? 'ok' : 'MISMATCH'
    output.out(`  ${model}: ${t.exported} = ${t.deleted} + ${t.kept} + ${t.gone} + ${t.offboarded} ${mark}`)
  }
  for (const key of summary.writtenSince) output.out(`  written since the export, kept: ${key}`)
  output.out(`platform audit entry ${summary.audit.id} (actor ${summary.audit.actor})`)
  if (summary.stopped) output.out('stopped before the end: run it again with the same export')
  else if (summary.writtenSince.length > 0 || !summary.reconciled)
    output.out('some items were kept: export the tenant again and purge with the new export')
}
