import { Group } from './group.js'
import type { Model, ModelClass } from './model.js'

/** Every model stored in the table; the table definition is generated from these. */
export const MODELS: readonly ModelClass<Model>[] = [Group as unknown as ModelClass<Model>]
