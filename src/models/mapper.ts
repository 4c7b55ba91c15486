// Model ↔ item conversion: camelCase fields become snake_case attributes, and every index key is
// computed from the model's own definitions. The per-class layout is worked out once and cached,
// because this runs on every read and write.
import { type IndexDefinition, type IndexName, keyAttributes } from './indexes.js'
import { compileItemWriter } from './item-writer.js'
import type { Model, ModelClass, Upcaster } from './model.js'
import { toCamelCase, toSnakeCase } from './naming.js'
import { newerThanCode, storedVersionOf, upcastStepsOf, upcastWith } from './upcast.js'

export type Item = Record<string, unknown>

const BASE_FIELDS = ['id', 'modelVersion', 'createdUtc', 'updatedUtc', 'deletedUtc', 'version'] as const

interface IndexLayout {
  name: IndexName
  pkAttribute: string
  skAttribute: string
  definition: IndexDefinition<never>
}

export interface ModelLayout {
  modelName: string
  /** The version this code stores. */
  modelVersion: number
  /** The history, one step per older version (see upcast.ts). */
  upcasters: readonly Upcaster[]
  fields: readonly string[]
  attributes: readonly string[]
  indexes: readonly IndexLayout[]
}

const layouts = new WeakMap<ModelClass<Model>, ModelLayout>()

export function layoutOf<M extends Model>(modelClass: ModelClass<M>): ModelLayout {
  let layout = layouts.get(modelClass as unknown as ModelClass<Model>)
  if (!layout) {
    const fields = [...BASE_FIELDS, ...modelClass.fields]
    layout = {
      modelName: toSnakeCase(modelClass.name),
      modelVersion: modelClass.modelVersion,
      upcasters: upcastStepsOf(modelClass as unknown as ModelClass<Model>),
      fields,
      attributes: fields.map(toSnakeCase),
      indexes: Object.entries(modelClass.indexes).map(([name, definition]) => ({
        name: name as IndexName,
        pkAttribute: keyAttributes(name as IndexName).pk,
        skAttribute: keyAttributes(name as IndexName).sk,
        definition: definition as IndexDefinition<never>,
      })),
    }
    layouts.set(modelClass as unknown as ModelClass<Model>, layout)
  }
  return layout
}

/** `UserProfile` → `user_profile`. */
export function modelNameOf(modelClass: ModelClass<Model>): string {
  return layoutOf(modelClass).modelName
}

/**
 * The item to store: snake_case attributes, `model_name`, the current `model_version`, and every
 * index key. A model read from an item of a newer version than this code knows is refused (503).
 */
export function toItem<M extends Model>(model: M): Item {
  const modelClass = model.constructor as ModelClass<Model>
  const layout = layoutOf(modelClass)
  if (model.modelVersion > layout.modelVersion) throw newerThanCode(layout.modelName)
  let write = writers.get(modelClass)
  if (!write) {
    write = compileItemWriter(layout, snakeKeys)
    writers.set(modelClass, write)
  }
  return write(model)
}

const writers = new WeakMap<ModelClass<Model>, (model: Model) => Item>()

/** The item in the model's current shape (itself when it is current); see upcast.ts. */
export function upcastItem<M extends Model>(modelClass: ModelClass<M>, item: Readonly<Item>): Readonly<Item> {
  return upcastWith(layoutOf(modelClass).upcasters, item)
}

/**
 * The model stored in an item, upcast to the current shape first when the item is older; attributes
 * the model does not declare are ignored.
 */
export function fromItem<M extends Model>(modelClass: ModelClass<M>, stored: Readonly<Item>): M {
  const layout = layoutOf(modelClass)
  const item = upcastWith(layout.upcasters, stored)
  const model = new modelClass()
  const target = model as unknown as Record<string, unknown>
  for (let i = 0; i < layout.fields.length; i++) {
    const value = item[layout.attributes[i] as string]
    if (value !== undefined) target[layout.fields[i] as string] = camelKeys(value)
  }
  model.modelVersion = storedVersionOf(item)
  return model
}

/** The primary key of a model, as stored. */
export function primaryKeyOf<M extends Model>(model: M): { pk: string; sk: string } {
  const definition = (model.constructor as ModelClass<M>).indexes.primary
  return { pk: definition.pk(model), sk: definition.sk(model) }
}

function snakeKeys(value: unknown): unknown {
  return convertKeys(value, toSnakeCase)
}

function camelKeys(value: unknown): unknown {
  return convertKeys(value, toCamelCase)
}

function convertKeys(value: unknown, rename: (name: string) => string): unknown {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map((entry) => convertKeys(entry, rename))
  if (value instanceof Uint8Array || value instanceof Set) return value
  const converted: Record<string, unknown> = {}
  for (const [key, entry] of Object.entries(value)) converted[rename(key)] = convertKeys(entry, rename)
  return converted
}

/** One index key of a model, from just the fields it is built from (`{ tenantId, id }`). */
export function keyOf<M extends Model>(
  modelClass: ModelClass<M>,
  index: IndexName,
  fields: Partial<M>,
): { pk: string; sk: string } {
  const definition = modelClass.indexes[index as 'primary'] as IndexDefinition<M> | undefined
  if (!definition) throw new Error(`${modelClass.name} has no index ${index}`)
  // The fields given over a new model's defaults (and its class's prototype), without building a
  // model per call: keys are built on every read.
  const probe = Object.assign(Object.create(defaultsOf(modelClass)) as M, fields)
  return { pk: definition.pk(probe), sk: definition.sk(probe) }
}

const defaults = new WeakMap<ModelClass<Model>, Model>()

/**
 * One new model per class, never changed, whose fields keyOf's probes inherit. Not frozen: a probe
 * could not be given its own value of a frozen field.
 */
function defaultsOf<M extends Model>(modelClass: ModelClass<M>): M {
  let model = defaults.get(modelClass as unknown as ModelClass<Model>)
  if (!model) {
    model = new modelClass()
    defaults.set(modelClass as unknown as ModelClass<Model>, model)
  }
  return model as M
}
