// Reading an item of any version the model has had: each step of its history is applied in turn,
// so everything above the models sees the current shape only. Writes store the current version;
// an item stored by newer code than this (a rollback after a deploy) is served as it is but never
// written, because a write would drop whatever the newer shape added.
import { AppError } from '../errors/app-error.js'
import type { Model, ModelClass, Upcaster } from './model.js'

type StoredItem = Readonly<Record<string, unknown>>

/** The stored version of an item: `model_version`, also as `"v2"` or `"2"`; 1 when it has none. */
export function storedVersionOf(item: StoredItem): number {
  const stored = item.model_version
  if (typeof stored === 'number') return stored
  if (typeof stored === 'string') {
    const digits = /^v?(\d{1,9})$/.exec(stored)?.[1]
    if (digits) return Number(digits)
  }
  return 1
}

/** A model's history in order (step n - 1 reads version n); throws when a version has no step. */
export function upcastStepsOf(modelClass: ModelClass<Model>): readonly Upcaster[] {
  const steps: Upcaster[] = []
  for (let version = 1; version < modelClass.modelVersion; version++) {
    const step = modelClass.upcasters?.[version]
    if (!step) throw new Error(`${modelClass.name} has no upcaster from version ${version}`)
    steps.push(step)
  }
  return steps
}

/**
 * The item in the current shape: `item` itself when it is current (or newer), else a new item
 * after each step from its version on, stamped with the version each step reaches.
 */
export function upcastWith(steps: readonly Upcaster[], item: StoredItem): StoredItem {
  const current = steps.length + 1
  let version = storedVersionOf(item)
  if (version >= current) return item
  let upcast = item
  for (version = Math.max(version, 1); version < current; version++) {
    upcast = { ...(steps[version - 1] as Upcaster)(upcast), model_version: version + 1 }
  }
  return upcast
}

/** The error for a write of an item stored by newer code than this: 503, so the client retries later. */
export function newerThanCode(modelName: string): AppError {
  return new AppError(
    'SERVICE_UNAVAILABLE',
    `this ${modelName} was stored by a newer version of the service; try again later`,
    undefined,
    { retryAfterSeconds: 30 },
  )
}
