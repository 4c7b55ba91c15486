// The common kind of change between versions: fields renamed, some with a different value type.
// One table per resource and version drives request and response conversion both ways, and
// derives the version's schemas from the handlers' ones.
import type { z } from 'zod'

export interface FieldRename {
  /** The field's name in the version. */
  readonly name: string
  /** The handlers' value as the version shows it; unchanged when absent. */
  toVersion?(value: unknown): unknown
  /** The version's value as the handlers expect it; unchanged when absent. */
  toCurrent?(value: unknown): unknown
}

/** By the handlers' field name. */
export type FieldRenames = Readonly<Record<string, FieldRename>>

/** The handlers' object in the version's names and values; field order is kept. */
export function fieldsToVersion(renames: FieldRenames, value: unknown): unknown {
  if (!isPlainObject(value)) return value
  const converted: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(value)) {
    const rename = renames[key]
    if (!rename) converted[key] = field
    else converted[rename.name] = rename.toVersion ? rename.toVersion(field) : field
  }
  return converted
}

/** The version's object in the handlers' names and values; undefined fields stay absent. */
export function fieldsToCurrent(renames: FieldRenames, value: unknown): unknown {
  if (!isPlainObject(value)) return value
  const byVersionName = versionNameIndex(renames)
  const converted: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(value)) {
    const found = byVersionName.get(key)
    if (!found) converted[key] = field
    else
      converted[found.current] =
        found.rename.toCurrent && field !== undefined ? found.rename.toCurrent(field) : field
  }
  return converted
}

/** A field name of the version as the handlers call it. */
export function fieldNameToCurrent(renames: FieldRenames, name: string): string {
  return versionNameIndex(renames).get(name)?.current ?? name
}

/** A field name of the handlers as the version calls it. */
export function fieldNameToVersion(renames: FieldRenames, name: string): string {
  return renames[name]?.name ?? name
}

/**
 * A handlers' zod shape in the version's field names and order. A field whose value changes type,
 * and any other field the version shapes differently, takes its schema from `schemas` (by the
 * version's name).
 */
export function shapeToVersion(
  shape: Readonly<Record<string, z.ZodType>>,
  renames: FieldRenames,
  schemas: Readonly<Record<string, z.ZodType>> = {},
): Record<string, z.ZodType> {
  const versioned: Record<string, z.ZodType> = {}
  for (const [key, schema] of Object.entries(shape)) {
    const rename = renames[key]
    const name = rename?.name ?? key
    const replacement = schemas[name]
    if (!replacement && (rename?.toVersion || rename?.toCurrent)) {
      throw new Error(`the value of ${key} changes as ${name}: give the schema of ${name}`)
    }
    versioned[name] = replacement ?? schema
  }
  for (const name of Object.keys(schemas)) {
    if (!(name in versioned)) throw new Error(`${name} is no field of this shape`)
  }
  return versioned
}

const indexes = new WeakMap<FieldRenames, Map<string, { current: string; rename: FieldRename }>>()

function versionNameIndex(renames: FieldRenames) {
  let index = indexes.get(renames)
  if (!index) {
    index = new Map(Object.entries(renames).map(([current, rename]) => [rename.name, { current, rename }]))
    indexes.set(renames, index)
  }
  return index
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
