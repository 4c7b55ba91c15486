// A route part a version leaves as it is must not hold a schema that version changes: the version
// would then accept or answer that part in the handlers' shape (a v1 batch body holding v2 group
// bodies). This finds such a part at start-up, instead of a client finding it later.
import { z } from 'zod'
import type { SchemaChange } from './schema-change.js'

const registries = new WeakMap<readonly SchemaChange[], z.core.$ZodRegistry<{ id: string }>>()

/** The change whose schema `schema` holds somewhere inside, if any. */
export function embeddedChange(
  schema: unknown,
  changes: readonly SchemaChange[],
  io: 'input' | 'output',
): SchemaChange | undefined {
  if (!(schema instanceof z.ZodType) || changes.length === 0) return undefined
  // Converted to JSON Schema with the changed schemas named, each shows up as a reference.
  const json = z.toJSONSchema(schema, {
    metadata: registryOf(changes),
    io,
    unrepresentable: 'any',
    cycles: 'ref',
    reused: 'inline',
  })
  const index = /"#\/\$defs\/change(\d+)"/.exec(JSON.stringify(json))?.[1]
  return index === undefined ? undefined : changes[Number(index)]
}

function registryOf(changes: readonly SchemaChange[]) {
  let registry = registries.get(changes)
  if (!registry) {
    registry = z.registry<{ id: string }>()
    for (const [index, change] of changes.entries()) registry.add(change.current, { id: `change${index}` })
    registries.set(changes, registry)
  }
  return registry
}

/** A name for a changed schema in messages: its component id when it has one. */
export function schemaName(schema: z.ZodType): string {
  const meta = z.globalRegistry.get(schema) as { id?: string } | undefined
  return meta?.id ?? 'a schema'
}
