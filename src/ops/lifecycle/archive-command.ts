// What `npm run archive` does apart from parsing its arguments.

import { consoleOutput, failed, MODEL_NAMES, type Output } from '../backup/commands.js'
import { createS3Client, openStore } from '../backup/index.js'
import { type Progress, startProgress } from '../progress.js'
import type { ScriptContext } from '../script-context.js'
import { type ArchiveSummary, archive } from './archive.js'

export interface ArchiveCommand {
  to: string
  before?: string
  model?: string
  tenant?: string
  deletedOnly?: boolean
  resume?: boolean
  segments: number
}

export async function runArchive(context: ScriptContext, command: ArchiveCommand, output = consoleOutput) {
  let reading: Progress | undefined = startProgress({ label: `archive of ${context.tableName}` })
  let deleting: Progress | undefined
  const stopReading = () => {
    reading?.stop()
    reading = undefined
  }
  try {
    const summary = await archive({
      client: context.client,
      tableName: context.tableName,
      target: openStore(command.to, { s3: () => createS3Client(context.config.s3) }),
      segments: command.segments,
      knownModels: MODEL_NAMES,
      concurrency: context.config.dynamodb.batchConcurrency,
      signal: context.signal,
      ...(command.before ? { before: command.before } : {}),
      ...(command.model ? { model: command.model } : {}),
      ...(command.tenant ? { tenantId: command.tenant } : {}),
      ...(command.deletedOnly ? { deletedOnly: true } : {}),
      ...(command.resume ? { resume: true } : {}),
      onArchived: (items) => reading?.add(items),
      onArchiveWritten: (manifest) => {
        stopReading()
        output.err(`${manifest.items} items archived and verified; deleting those unchanged since`)
      },
      onDeleted: (outcome) => {
        deleting ??= startProgress({ label: 'deleting what was archived' })
        deleting.add(1, { [outcome]: 1 })
      },
    })
    stopReading()
    deleting?.stop()
    report(summary, command.to, output)
    return summary.reconciled && !summary.stopped ? 0 : 1
  } catch (error) {
    stopReading()
    deleting?.stop()
    return failed('refused', error, output)
  }
}

function report(summary: ArchiveSummary, location: string, output: Output) {
  output.out(`archived ${summary.manifest.items} items to ${location}`)
  output.out('  model: archived = deleted + changed since, kept + already gone')
  for (const [model, t] of Object.entries(summary.counts)) {
    const mark = t.archived === t.deleted + t.changed + t.gone ? 'ok' : 'MISMATCH'
    output.out(`  ${model}: ${t.archived} = ${t.deleted} + ${t.changed} + ${t.gone} ${mark}`)
  }
  if (summary.stopped)
    output.out('stopped during the deletes: the archive is complete; run again with --resume')
  else if (summary.reconciled) output.out('counts reconcile with the manifest')
}
