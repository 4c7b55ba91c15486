import { newUlid } from './ids.js'
import type { IndexDefinitions } from './indexes.js'

/** Fields every stored item carries (docs/design.md), in camelCase. */
export abstract class Model {
  id = ''
  modelVersion = 1
  createdUtc = ''
  updatedUtc = ''
  deletedUtc: string | null = null
  /** Optimistic-lock counter: 1 after create, +1 on every write. */
  version = 0
}

/** A model owned by a tenant: every partition key it has starts with `tenant#<tenantId>#`. */
export abstract class TenantModel extends Model {
  tenantId = ''
  userId = ''
}

/** What the data layer needs to know about a model class. */
export interface ModelClass<M extends Model = Model> {
  new (): M
  readonly name: string
  /** The model's own data fields (camelCase), besides the base fields. */
  readonly fields: readonly (keyof M & string)[]
  readonly indexes: IndexDefinitions<M>
  /** Bumped when the stored shape changes, so migrations can find old items. */
  readonly modelVersion: number
  /** Fields stored encrypted (never logged, audited or shown as stored). */
  readonly encryptedFields?: readonly string[]
  /** Fields computed from others for lookups; not part of what the entity says. */
  readonly derivedFields?: readonly string[]
}

/** Stamps a new model with an id and creation time. */
export function initialise<M extends Model>(
  model: M,
  now: Date,
  modelVersion: number,
  id: string = newUlid(now.getTime()),
): M {
  const timestamp = now.toISOString()
  model.id = id
  model.modelVersion = modelVersion
  model.createdUtc = timestamp
  model.updatedUtc = timestamp
  model.version = 1
  return model
}
