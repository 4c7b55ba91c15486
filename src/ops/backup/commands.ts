// What `npm run backup` and `npm run restore` do, apart from parsing their arguments: progress on
// stderr, the report on stdout, and the exit code.
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb'
import { layoutOf } from '../../models/index.js'
import { ALL_MODELS } from '../../resources/index.js'
import { startProgress } from '../progress.js'
import type { ScriptContext } from '../script-context.js'
import { BackupError, type BackupKind } from './manifest.js'
import { openStore } from './open-store.js'
import { type RestoreMode, type RestoreSummary, restoreBackup } from './restore.js'
import { createS3Client } from './s3-client.js'
import { writeBackup } from './write-backup.js'

export interface Output {
  out: (line: string) => void
  err: (line: string) => void
}

export const consoleOutput: Output = { out: (line) => console.log(line), err: (line) => console.error(line) }

export const MODEL_NAMES = ALL_MODELS.map((model) => layoutOf(model).modelName)

export interface BackupCommand {
  to: string
  tenant?: string
  model?: string
  segments: number
  kind?: BackupKind
  resume?: boolean
}

export async function runBackup(context: ScriptContext, command: BackupCommand, output = consoleOutput) {
  const { client, tableName, signal } = context
  const progress = startProgress({ label: `backup of ${tableName}` })
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }))
    if (Table?.ItemCount) progress.setTotal(Table.ItemCount)
    const manifest = await writeBackup({
      client,
      tableName,
      target: openStore(command.to, { s3: () => createS3Client(context.config.s3) }),
      segments: command.segments,
      kind: command.kind ?? 'backup',
      filter: {
        ...(command.tenant ? { tenantId: command.tenant } : {}),
        ...(command.model ? { model: command.model } : {}),
      },
      knownModels: MODEL_NAMES,
      signal,
      resume: command.resume ?? false,
      onItems: (items, scanned) => progress.add(scanned, { 'backed up': items }),
    })
    progress.stop()
    const peakMegabytes = Math.round(process.resourceUsage().maxRSS / 1024)
    output.out(
      `backed up ${manifest.items} items of ${tableName} to ${command.to} in ${manifest.parts.length} parts (peak RSS ${peakMegabytes} MB)`,
    )
    for (const [model, count] of Object.entries(manifest.counts)) output.out(`  ${model}: ${count}`)
    return 0
  } catch (error) {
    progress.stop()
    return failed('backup', error, output)
  }
}

export interface RestoreCommand {
  from: string
  table?: string
  tenant?: string
  mode: RestoreMode
}

export async function runRestore(
  context: ScriptContext,
  command: RestoreCommand,
  batch: Parameters<typeof restoreBackup>[0]['batch'],
  output = consoleOutput,
) {
  const tableName = command.table ?? context.tableName
  output.err(`verifying ${command.from} (every part is read through before anything is written)`)
  let verifying: ReturnType<typeof startProgress> | undefined
  let progress: ReturnType<typeof startProgress> | undefined
  try {
    const summary = await restoreBackup({
      client: context.client,
      tableName,
      source: openStore(command.from, { s3: () => createS3Client(context.config.s3) }),
      mode: command.mode,
      ...(command.tenant ? { tenantId: command.tenant } : {}),
      batch,
      signal: context.signal,
      onPartVerified: (part) => {
        verifying ??= startProgress({ label: `verifying ${command.from}` })
        verifying.add(part.items)
      },
      onVerified: (_manifest, items) => {
        verifying?.stop()
        progress = startProgress({ label: `restore into ${tableName}`, total: items })
      },
      onItems: (items) => progress?.add(items),
    })
    progress?.stop()
    report(summary, tableName, output)
    return summary.reconciled && !summary.stopped && summary.failures.length === 0 ? 0 : 1
  } catch (error) {
    if (!progress) verifying?.stop()
    progress?.stop()
    return failed('refused', error, output)
  }
}

function report(summary: RestoreSummary, tableName: string, output: Output) {
  output.out(
    `restore into ${tableName} (${summary.table === 'created' ? 'table created' : 'existing table'}):`,
  )
  output.out('  model: in backup = restored + skipped existing + failed')
  for (const [model, tally] of Object.entries(summary.counts)) {
    const sum = tally.restored + tally.skipped + tally.failed
    const mark = sum === tally.expected ? 'ok' : `MISMATCH (${sum})`
    output.out(
      `  ${model}: ${tally.expected} = ${tally.restored} + ${tally.skipped} + ${tally.failed} ${mark}`,
    )
  }
  for (const failure of summary.failures)
    output.out(`  failed: ${failure.key} (${failure.model}): ${failure.error}`)
  if (summary.stopped) output.out('stopped before the end: run it again (missing-only skips what is there)')
  else if (summary.reconciled) output.out('counts reconcile with the manifest')
}

export function failed(label: string, error: unknown, output: Output): number {
  if (error instanceof BackupError) {
    output.err(`${label}: ${error.message}`)
    return 1
  }
  output.err(`failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`)
  return 1
}
