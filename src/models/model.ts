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
  /** The version of the stored shape that this code writes; older items are upcast on read. */
  readonly modelVersion: number
  /**
   * The shape's history: `upcasters[n]` turns an item stored at version n into version n + 1, one
   * for each version below `modelVersion` (see upcast.ts).
   */
  readonly upcasters?: Upcasters
  /** Fields stored encrypted (never logged, audited or shown as stored). */
  readonly encryptedFields?: readonly string[]
  /** Fields computed from others for lookups; not part of what the entity says. */
  readonly derivedFields?: readonly string[]
}

/**
 * One step of a model's history: a pure function from a stored item (snake_case attributes) of one
 * version to the item of the next. It returns a new item and never changes the one it is given.
 */
export type Upcaster = (item: Readonly<Record<string, unknown>>) => Record<string, unknown>

/** Upcasters by the version they read: `{ 1: v1ToV2, 2: v2ToV3 }`. */
export type Upcasters = Readonly<Record<number, Upcaster>>

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
