// The rejects file: one JSON line per source item that was not imported, naming it by its key, so
// an operator can find, fix and re-import each one. A run writes the file afresh.
import { once } from 'node:events'
import { open } from 'node:fs/promises'
import type { SourceItem } from './mapping.js'
import type { Rejection } from './rejection.js'

export interface RejectsFile {
  add(item: SourceItem, rejection: Rejection): Promise<void>
  close(): Promise<void>
}

/** Opens (creates or empties) the file at once, so a path that cannot be written fails before the run. */
export async function openRejectsFile(path: string): Promise<RejectsFile> {
  const stream = (await open(path, 'w')).createWriteStream({ encoding: 'utf8' })
  const failed = new Promise<never>((_, reject) => stream.once('error', reject))
  failed.catch(() => {})
  return {
    async add(item, { reason, detail }) {
      const line = `${JSON.stringify({ key: { pk: item.pk, sk: item.sk }, reason, detail })}\n`
      if (!stream.write(line)) await Promise.race([once(stream, 'drain'), failed])
    },
    async close() {
      stream.end()
      await Promise.race([once(stream, 'finish'), failed])
    },
  }
}
