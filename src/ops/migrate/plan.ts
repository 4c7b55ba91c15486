// What the migration does to one stored item, decided without I/O: leave it (current, newer than
// the code, of no known model) or rewrite it in the current shape with every key computed today.
import {
  fromItem,
  type Item,
  layoutOf,
  type Model,
  type ModelClass,
  storedVersionOf,
  TTL_ATTRIBUTE,
  toItem,
} from '../../models/index.js'

export type ModelsByName = ReadonlyMap<string, ModelClass<Model>>

export type Plan =
  | { kind: 'current' | 'newer' | 'unknown' }
  | { kind: 'migrate'; modelName: string; from: number; to: number; item: Item }
  | { kind: 'failed'; reason: string }

const KEY_ATTRIBUTE = /^(pk|sk|gsi\d+_(pk|sk))$/

/** The models by `model_name`; the first of a name wins, so a list can put a replacement first. */
export function modelsByName(models: readonly ModelClass<Model>[]): ModelsByName {
  const byName = new Map<string, ModelClass<Model>>()
  for (const model of models) {
    const name = layoutOf(model).modelName
    if (!byName.has(name)) byName.set(name, model)
  }
  return byName
}

/** The version each model stores today, by name: what a run migrates to. */
export function targetVersions(models: ModelsByName): Record<string, number> {
  return Object.fromEntries([...models].map(([name, model]) => [name, model.modelVersion]))
}

export function planItem(models: ModelsByName, stored: Readonly<Item>): Plan {
  const modelName = stored.model_name
  const modelClass = typeof modelName === 'string' ? models.get(modelName) : undefined
  if (!modelClass) return { kind: 'unknown' }
  const from = storedVersionOf(stored)
  const to = modelClass.modelVersion
  if (from > to) return { kind: 'newer' }
  let item: Item
  try {
    item = targetItem(modelClass, stored)
  } catch (error) {
    return { kind: 'failed', reason: `not readable as ${modelName}: ${(error as Error).message}` }
  }
  if (item.pk !== stored.pk || item.sk !== stored.sk)
    return { kind: 'failed', reason: 'its primary key template changed (not supported)' }
  if (from === to && sameKeys(stored, item)) return { kind: 'current' }
  return { kind: 'migrate', modelName: modelName as string, from, to, item }
}

/**
 * The item as this code would store it, at the same `version` and times (the API's view of it does
 * not change, so neither does its ETag), keeping the TTL that will purge it. A soft-deleted item
 * (any `deleted_utc`, even a null one, which reads and lists treat as deleted too) stays deleted
 * and out of every index.
 */
function targetItem(modelClass: ModelClass<Model>, stored: Readonly<Item>): Item {
  const item = toItem(fromItem(modelClass, stored))
  if (item[TTL_ATTRIBUTE] === undefined && stored[TTL_ATTRIBUTE] !== undefined)
    item[TTL_ATTRIBUTE] = stored[TTL_ATTRIBUTE]
  if (stored.deleted_utc === undefined) return item
  item.deleted_utc = stored.deleted_utc
  for (const attribute of Object.keys(item))
    if (KEY_ATTRIBUTE.test(attribute) && attribute !== 'pk' && attribute !== 'sk') delete item[attribute]
  return item
}

/** Whether both items have the same key attributes (table and every index) with the same values. */
function sameKeys(stored: Readonly<Item>, target: Readonly<Item>): boolean {
  const storedKeys = Object.keys(stored).filter((attribute) => KEY_ATTRIBUTE.test(attribute))
  const targetKeys = Object.keys(target).filter((attribute) => KEY_ATTRIBUTE.test(attribute))
  return (
    storedKeys.length === targetKeys.length &&
    targetKeys.every((attribute) => stored[attribute] === target[attribute])
  )
}
