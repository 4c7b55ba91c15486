// Reading a backup: the manifest and every part are checked (the manifest's own checksum, each
// part's sha256, size, item count and counts per model) before a single item is handed out, so a
// damaged, truncated, missing or edited backup is refused before anything is written.
import { createHash } from 'node:crypto'
import { pipeline, Transform } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import { createGunzip } from 'node:zlib'
import type { WireItem } from '../parallel-scan.js'
import type { BackupStore } from './backup-store.js'
import { ownedByTenant } from './filter.js'
import { decodeItem, modelOf } from './item-json.js'
import { BackupError, MANIFEST_NAME, type Manifest, type ManifestPart, parseManifest } from './manifest.js'

export interface ReadBackupOptions {
  /** Only this tenant's items are handed out (and counted). */
  tenantId?: string
  /** Called after each part is verified (for progress). */
  onPartVerified?: (part: ManifestPart) => void
}

export interface VerifiedBackup {
  manifest: Manifest
  /** Items per model that `items()` hands out: all of the backup's, or the tenant's. */
  counts: Record<string, number>
  /** The (selected) items, part after part; each part's checksum is checked again as it is read. */
  items(): AsyncGenerator<WireItem>
}

export async function readBackup(
  source: BackupStore,
  options: ReadBackupOptions = {},
): Promise<VerifiedBackup> {
  const text = await source.readText(MANIFEST_NAME)
  if (text === undefined)
    throw new BackupError(
      `${source.location} has no ${MANIFEST_NAME}: it is not a complete backup (an interrupted run, or the wrong location)`,
    )
  const manifest = parseManifest(text, source.location)
  const names = new Set(manifest.parts.map((part) => part.name))
  if (names.size !== manifest.parts.length)
    throw new BackupError(`${source.location}: the manifest names a part twice`)

  const selected = (item: WireItem) => options.tenantId === undefined || ownedByTenant(item, options.tenantId)
  const found: Record<string, number> = {}
  const counts: Record<string, number> = {}
  for (const part of manifest.parts) {
    for await (const item of partItems(source, part)) {
      const model = modelOf(item)
      found[model] = (found[model] ?? 0) + 1
      if (selected(item)) counts[model] = (counts[model] ?? 0) + 1
    }
    options.onPartVerified?.(part)
  }
  for (const model of new Set([...Object.keys(found), ...Object.keys(manifest.counts)])) {
    if ((found[model] ?? 0) !== (manifest.counts[model] ?? 0))
      throw new BackupError(
        `${source.location}: the parts hold ${found[model] ?? 0} items of ${model}, the manifest says ${manifest.counts[model] ?? 0}`,
      )
  }

  return {
    manifest,
    counts,
    async *items() {
      for (const part of manifest.parts) {
        for await (const item of partItems(source, part)) if (selected(item)) yield item
      }
    },
  }
}

/** A part's items in order; throws a BackupError when the part does not match its manifest entry. */
async function* partItems(source: BackupStore, part: ManifestPart): AsyncGenerator<WireItem> {
  const where = `${source.location}: ${part.name}`
  const hash = createHash('sha256')
  let bytes = 0
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk)
      bytes += chunk.length
      done(null, chunk)
    },
  })
  const raw = await source.read(part.name)
  const lines = pipeline(raw, tap, createGunzip(), () => {})
  const decoder = new StringDecoder('utf8')
  let rest = ''
  let count = 0
  // A changed byte may still inflate to text, and then to a line that is no item: the part is read
  // to its end first, so the message says what happened (its checksum) rather than what followed.
  let badLine: BackupError | undefined
  try {
    for await (const chunk of lines) {
      const text = rest + decoder.write(chunk as Buffer)
      const ends = text.split('\n')
      rest = ends.pop() as string
      for (const line of ends) {
        count++
        if (badLine) continue
        const item = decodeLine(line, where, count)
        if (item instanceof BackupError) badLine = item
        else yield item
      }
    }
  } catch (error) {
    throw new BackupError(`${where} is damaged or truncated (${(error as Error).message})`)
  }
  rest += decoder.end()
  if (hash.digest('hex') !== part.sha256 || bytes !== part.bytes)
    throw new BackupError(`${where} does not match its sha256 in the manifest: it was changed or damaged`)
  if (badLine) throw badLine
  if (rest !== '') throw new BackupError(`${where} ends in the middle of a line`)
  if (count !== part.items)
    throw new BackupError(`${where} holds ${count} items, the manifest says ${part.items}`)
}

function decodeLine(line: string, where: string, number: number): WireItem | BackupError {
  try {
    return decodeItem(line)
  } catch (error) {
    return new BackupError(`${where}: line ${number} is not an item (${(error as Error).message})`)
  }
}
