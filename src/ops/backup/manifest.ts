// The manifest: what a backup holds and how to check it. It is written last, so its presence
// means the backup is complete; it carries a sha256 of every part and of itself, so a changed,
// missing or truncated part, or an edited manifest, is found before anything is restored.
import { createHash } from 'node:crypto'
import { z } from 'zod'

export const MANIFEST_NAME = 'manifest.json'
export const FORMAT = 'tessera-backup'
export const FORMAT_VERSION = 1
export const BACKUP_KINDS = ['backup', 'archive', 'tenant-export'] as const
export type BackupKind = (typeof BACKUP_KINDS)[number]

const keySchema = z.array(z.object({ AttributeName: z.string(), KeyType: z.enum(['HASH', 'RANGE']) }))

const partSchema = z.object({
  /** The part's file (object) name, relative to the backup's folder or prefix. */
  name: z.string().regex(/^parts\/[a-z0-9-]+\.ndjson\.gz$/),
  segment: z.number().int().min(0),
  items: z.number().int().min(0),
  /** Bytes of the gzip'd file. */
  bytes: z.number().int().min(0),
  /** sha256 (hex) of the gzip'd file. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
})

const filterSchema = z.object({
  tenantId: z.string().optional(),
  model: z.string().optional(),
  /** Only items last updated before this ISO time. */
  updatedBefore: z.string().optional(),
  /** Only soft-deleted items. */
  deletedOnly: z.boolean().optional(),
})

export const manifestSchema = z.object({
  format: z.literal(FORMAT),
  formatVersion: z.literal(FORMAT_VERSION),
  kind: z.enum(BACKUP_KINDS),
  tool: z.object({ name: z.string(), version: z.string() }),
  table: z.object({
    name: z.string(),
    keySchema,
    indexes: z.array(z.object({ name: z.string(), keySchema })),
  }),
  filter: filterSchema,
  segments: z.number().int().min(1),
  startedAt: z.string(),
  finishedAt: z.string(),
  /** Items in the backup, in all and per model (`model_name`; `(no model)` for items without one). */
  items: z.number().int().min(0),
  counts: z.record(z.string(), z.number().int().min(0)),
  parts: z.array(partSchema),
  /** sha256 of the manifest's canonical JSON without this field. */
  checksum: z.string(),
})

export type Manifest = z.infer<typeof manifestSchema>
export type ManifestPart = z.infer<typeof partSchema>
export type BackupFilter = z.infer<typeof filterSchema>

export class BackupError extends Error {
  override name = 'BackupError'
}

/** The manifest's text, with its checksum. */
export function serializeManifest(manifest: Omit<Manifest, 'checksum'>): string {
  return `${JSON.stringify({ ...manifest, checksum: manifestChecksum(manifest) }, null, 2)}\n`
}

/** A manifest from its text; throws a BackupError saying what is wrong with it. */
export function parseManifest(text: string, where: string): Manifest {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new BackupError(`${where}: the manifest is not valid JSON`)
  }
  const parsed = manifestSchema.safeParse(json)
  if (!parsed.success) {
    const problem = parsed.error.issues[0]
    throw new BackupError(
      `${where}: the manifest is not a backup manifest (${problem?.path.join('.')}: ${problem?.message})`,
    )
  }
  const { checksum, ...rest } = parsed.data
  if (manifestChecksum(rest) !== checksum)
    throw new BackupError(
      `${where}: the manifest was changed after it was written (its checksum does not match)`,
    )
  const inParts = parsed.data.parts.reduce((sum, part) => sum + part.items, 0)
  const inCounts = Object.values(parsed.data.counts).reduce((sum, count) => sum + count, 0)
  if (inParts !== parsed.data.items || inCounts !== parsed.data.items)
    throw new BackupError(
      `${where}: the manifest's counts disagree (${parsed.data.items} items, ${inParts} in its parts, ${inCounts} by model)`,
    )
  return parsed.data
}

export function manifestChecksum(manifest: Omit<Manifest, 'checksum'>): string {
  const { checksum: _ignored, ...rest } = manifest as Manifest
  return createHash('sha256').update(canonicalJson(rest)).digest('hex')
}

/** JSON with every object's keys sorted, so the checksum does not depend on key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

/** The name of a segment's n-th part. */
export function partName(segment: number, index: number): string {
  return `parts/segment-${String(segment).padStart(4, '0')}-${String(index).padStart(4, '0')}.ndjson.gz`
}
