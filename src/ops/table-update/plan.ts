// What `npm run table:update` would change: the live table (DescribeTable) against the models'
// definition. Pure, so the dry run and the real run share it and it is tested without a table.
import type {
  AttributeDefinition,
  GlobalSecondaryIndex,
  KeySchemaElement,
  Projection,
  ProvisionedThroughput,
  TableDescription,
} from '@aws-sdk/client-dynamodb'
import type { TableDefinition } from '../../models/index.js'

export type TableStep =
  | { action: 'create'; index: GlobalSecondaryIndex; attributes: AttributeDefinition[] }
  | { action: 'delete'; indexName: string }

export interface TableUpdatePlan {
  tableName: string
  /** One UpdateTable each, in this order: creations by index number, then deletions. */
  steps: TableStep[]
  /** Indexes the table has and no model declares (deleted only with `deleteUnused`). */
  unused: string[]
  /** Indexes the table is still creating, updating or deleting: waited for before any step. */
  busy: string[]
  /** Differences no UpdateTable step can make (a key schema or projection of the same name). */
  conflicts: string[]
}

export function planTableUpdate(
  table: TableDescription,
  definition: TableDefinition,
  options: { deleteUnused?: boolean } = {},
): TableUpdatePlan {
  const wanted = definition.createTable.GlobalSecondaryIndexes ?? []
  const live = new Map(
    (table.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName as string, index]),
  )
  const wantedNames = new Set(wanted.map((index) => index.IndexName as string))
  const conflicts: string[] = []
  if (!sameKeySchema(table.KeySchema, definition.createTable.KeySchema))
    conflicts.push(
      `the table’s key schema is ${keysText(table.KeySchema)}, the models’ ${keysText(definition.createTable.KeySchema)}`,
    )

  const steps: TableStep[] = []
  for (const index of wanted) {
    const name = index.IndexName as string
    const existing = live.get(name)
    if (!existing) {
      steps.push(createStep(table, definition, index))
      continue
    }
    if (!sameKeySchema(existing.KeySchema, index.KeySchema))
      conflicts.push(
        `${name}: the table’s keys are ${keysText(existing.KeySchema)}, the models’ ${keysText(index.KeySchema)}`,
      )
    else if (!sameProjection(existing.Projection, index.Projection))
      conflicts.push(
        `${name}: the table projects ${projectionText(existing.Projection)}, the models ${projectionText(index.Projection)}`,
      )
  }
  const unused = [...live.keys()].filter((name) => !wantedNames.has(name)).sort(byIndexName)
  if (options.deleteUnused) for (const indexName of unused) steps.push({ action: 'delete', indexName })
  const busy = [...live.values()]
    .filter((index) => index.IndexStatus !== 'ACTIVE')
    .map((index) => index.IndexName as string)
  return { tableName: table.TableName as string, steps, unused, busy, conflicts }
}

/** The plan as lines for the operator. */
export function describePlan(plan: TableUpdatePlan): string[] {
  const lines = plan.steps.map((step) =>
    step.action === 'create'
      ? `create ${step.index.IndexName} (${keysText(step.index.KeySchema)}, projection ${projectionText(step.index.Projection)})`
      : `delete ${step.indexName}`,
  )
  const deleting = new Set(plan.steps.flatMap((step) => (step.action === 'delete' ? [step.indexName] : [])))
  for (const name of plan.unused)
    if (!deleting.has(name)) lines.push(`keep ${name}: no model declares it (--delete-unused deletes it)`)
  for (const name of plan.busy) lines.push(`wait for ${name}: the table is still changing it`)
  for (const conflict of plan.conflicts) lines.push(`cannot change: ${conflict}`)
  if (lines.length === 0) lines.push(`table ${plan.tableName} has every index the models declare`)
  return lines
}

function createStep(
  table: TableDescription,
  definition: TableDefinition,
  index: GlobalSecondaryIndex,
): TableStep {
  const keyNames = new Set((index.KeySchema ?? []).map((key) => key.AttributeName))
  const attributes = (definition.createTable.AttributeDefinitions ?? []).filter((attribute) =>
    keyNames.has(attribute.AttributeName),
  )
  const throughput = provisionedThroughput(table)
  return {
    action: 'create',
    index: { ...index, ...(throughput ? { ProvisionedThroughput: throughput } : {}) },
    attributes,
  }
}

/** A provisioned table's new index gets the table's own capacity; on-demand needs none. */
function provisionedThroughput(table: TableDescription): ProvisionedThroughput | undefined {
  if (table.BillingModeSummary?.BillingMode === 'PAY_PER_REQUEST') return undefined
  const { ReadCapacityUnits, WriteCapacityUnits } = table.ProvisionedThroughput ?? {}
  if (!ReadCapacityUnits || !WriteCapacityUnits) return undefined
  return { ReadCapacityUnits, WriteCapacityUnits }
}

function sameKeySchema(a: KeySchemaElement[] | undefined, b: KeySchemaElement[] | undefined): boolean {
  return keysText(a) === keysText(b)
}

function sameProjection(a: Projection | undefined, b: Projection | undefined): boolean {
  return projectionText(a) === projectionText(b)
}

function keysText(keys: KeySchemaElement[] | undefined): string {
  return (keys ?? []).map((key) => `${key.AttributeName} ${key.KeyType}`).join(', ')
}

function projectionText(projection: Projection | undefined): string {
  const type = projection?.ProjectionType ?? 'ALL'
  const extra = [...(projection?.NonKeyAttributes ?? [])].sort()
  return extra.length > 0 ? `${type} ${extra.join(' ')}` : type
}

function byIndexName(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true })
}
