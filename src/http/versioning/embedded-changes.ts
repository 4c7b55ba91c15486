// A route part a version leaves as it is must not hold a schema that version changes: the version
// would then accept or answer that part in the handlers' shape (a v1 batch body holding v2 group
// bodies). This finds such a part at start-up, instead of a client finding it later.
import { z } from 'zod'
import type { SchemaChange } from './schema-change.js'

interface ChangeLookup {
  registry: z.core.$ZodRegistry<{ id: string }>
  /** What each schema was found to hold, by direction: routes share schemas (error envelopes, ids). */
  found: Record<'input' | 'output', WeakMap<z.ZodType, SchemaChange | undefined>>
}

const lookups = new WeakMap<readonly SchemaChange[], ChangeLookup>()

/** The change whose schema `schema` holds somewhere inside, if any. */
export function embeddedChange(
  schema: unknown,
  changes: readonly SchemaChange[],
  io: 'input' | 'output',
): SchemaChange | undefined {
  if (!(schema instanceof z.ZodType) || changes.length === 0) return undefined
  const { registry, found } = lookupOf(changes)
  if (found[io].has(schema)) return found[io].get(schema)
  // Converted to JSON Schema with the changed schemas named, each shows up as a reference.
  const json = z.toJSONSchema(schema, {
    metadata: registry,
    io,
    unrepresentable: 'any',
    cycles: 'ref',
    reused: 'inline',
  })
  const index = /"#\/\$defs\/change(\d+)"/.exec(JSON.stringify(json))?.[1]
  const change = index === undefined ? undefined : changes[Number(index)]
  found[io].set(schema, change)
  return change
}

function lookupOf(changes: readonly SchemaChange[]): ChangeLookup {
  let lookup = lookups.get(changes)
  if (!lookup) {
    const registry = z.registry<{ id: string }>()
    for (const [index, change] of changes.entries()) registry.add(change.current, { id: `change${index}` })
    lookup = { registry, found: { input: new WeakMap(), output: new WeakMap() } }
    lookups.set(changes, lookup)
  }
  return lookup
}

/** A name for a changed schema in messages: its component id when it has one. */
export function schemaName(schema: z.ZodType): string {
  const meta = z.globalRegistry.get(schema) as { id?: string } | undefined
  return meta?.id ?? 'a schema'
}
