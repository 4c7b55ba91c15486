// How an item a Python service stored becomes a tessera item. The checks every model shares are
// here (model name, attributes, id, tenant, soft delete, dates, keys, owner); what differs per
// model is a mapping (see group-mapping.ts), listed by the Python `model_name` in mappings.ts.
import {
  isSubject,
  OPAQUE_ID_PATTERN,
  TENANT_ID_PATTERN,
  type TenantModel,
  userIdOf,
} from '../../models/index.js'
import type { AnyResource } from '../../resources/define-resource.js'
import { pythonInstant, pythonIsoToUtc } from './python-dates.js'
import { type Rejection, rejection } from './rejection.js'

/** A source item, unmarshalled (snake_case attributes, DynamoDB numbers as numbers, NULL as null). */
export type SourceItem = Readonly<Record<string, unknown>>

export interface PythonMapping {
  /** The resource whose v2 create body the item's values must make, as if a client had sent them. */
  resource: AnyResource
  /** The model's own attributes in the source, besides the bookkeeping every item has. */
  attributes: readonly string[]
  /** The keys the Python service stored for the item, computed as its key builder does. */
  keys(item: SourceItem, createdInstant: number): Readonly<Record<string, string>>
  /** The create body (camelCase) the item's values make, before validation. */
  input(item: SourceItem): Record<string, unknown>
}

export type Mapped = { model: TenantModel } | { rejection: Rejection }

const BOOKKEEPING = [
  'id',
  'tenant_id',
  'user_id',
  'model_name',
  'model_version',
  'created_utc',
  'updated_utc',
  'deleted_utc',
]
const KEY_ATTRIBUTE = /^(pk|sk|gsi\d+_pk|gsi\d+_sk)$/

/** The tessera model of a source item, or why it cannot be imported. */
export function mapSourceItem(item: SourceItem, mappings: Readonly<Record<string, PythonMapping>>): Mapped {
  const modelName = item.model_name
  const mapping = typeof modelName === 'string' ? mappings[modelName] : undefined
  if (!mapping) return rejection('unknown model', `no mapping for model_name ${JSON.stringify(modelName)}`)
  const known = new Set([...BOOKKEEPING, ...mapping.attributes])
  const unknown = Object.keys(item).filter((name) => !known.has(name) && !KEY_ATTRIBUTE.test(name))
  if (unknown.length > 0) return rejection('unknown attribute', unknown.sort().join(', '))

  const { id, tenant_id: tenantId } = item
  if (typeof id !== 'string' || !OPAQUE_ID_PATTERN.test(id))
    return rejection('invalid id', `id ${JSON.stringify(id)} does not match ${OPAQUE_ID_PATTERN.source}`)
  if (tenantId === undefined || tenantId === null || tenantId === '')
    return rejection('no tenant', 'the item has no tenant_id')
  if (typeof tenantId !== 'string' || !TENANT_ID_PATTERN.test(tenantId))
    return rejection(
      'invalid tenant',
      `tenant_id ${JSON.stringify(tenantId)} does not match ${TENANT_ID_PATTERN.source}`,
    )
  if (item.deleted_utc !== undefined && item.deleted_utc !== null)
    return rejection('deleted', `deleted_utc ${JSON.stringify(item.deleted_utc)}`)

  const createdUtc = pythonIsoToUtc(item.created_utc)
  const updatedUtc = pythonIsoToUtc(item.updated_utc)
  if (createdUtc === undefined)
    return rejection('invalid value', `created_utc ${JSON.stringify(item.created_utc)}`)
  if (updatedUtc === undefined)
    return rejection('invalid value', `updated_utc ${JSON.stringify(item.updated_utc)}`)

  const { user_id: owner } = item
  if (!isSubject(owner)) return rejection('invalid value', `user_id ${JSON.stringify(owner)} is not a user`)

  const keyProblem = wrongKey(item, mapping.keys(item, pythonInstant(item.created_utc) as number))
  if (keyProblem) return rejection('malformed key', keyProblem)

  const parsed = mapping.resource.schemas.create.safeParse(mapping.input(item))
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'item'}: ${issue.message}`)
    return rejection('invalid value', problems.join('; '))
  }

  const model: TenantModel = new mapping.resource.model()
  model.id = id
  model.tenantId = tenantId
  model.userId = userIdOf(owner)
  model.createdUtc = createdUtc
  model.updatedUtc = updatedUtc
  model.version = 1
  model.modelVersion = mapping.resource.model.modelVersion
  mapping.resource.create(model, parsed.data)
  return { model }
}

/** What is wrong with the item's stored keys, if anything: each must be the one expected, and no other. */
function wrongKey(item: SourceItem, expected: Readonly<Record<string, string>>): string | undefined {
  for (const [attribute, key] of Object.entries(expected)) {
    if (item[attribute] !== key)
      return `${attribute} is ${JSON.stringify(item[attribute])}, the Python layout makes ${JSON.stringify(key)}`
  }
  const extra = Object.keys(item).find((name) => KEY_ATTRIBUTE.test(name) && !(name in expected))
  return extra && `${extra} has no place in the Python layout of this model`
}
