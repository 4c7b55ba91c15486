// A test-only next step for groups: the same model with one index more, gsi4, a tenant's groups of
// one color by name. It is what a team adding "list groups by color" would write, and what
// `table:update` and the migration runner are tested against (the table starts from today's models).
import {
  buildKey,
  type Model,
  type ModelClass,
  Group as StoredGroup,
  tenantKey,
} from '../../src/models/index.js'
import { ALL_MODELS } from '../../src/resources/index.js'

/** Named Group so that it reads and writes the items of groups (`model_name` group). */
export class Group extends StoredGroup {
  static override readonly indexes = {
    ...StoredGroup.indexes,
    gsi4: {
      pk: (g: StoredGroup) => tenantKey(g.tenantId, ['group', ''], ['color', g.color]),
      sk: (g: StoredGroup) => buildKey(['name', g.name], ['id', g.id]),
    },
  }
}

export const ColoredGroup = Group

/** The gsi4 partition of a tenant's groups of one color. */
export const colorPartition = (tenantId: string, color: string) =>
  tenantKey(tenantId, ['group', ''], ['color', color])

/** Every model the table stores, with groups as this model (the first of a name wins). */
export const MODELS_WITH_GSI4: readonly ModelClass<Model>[] = [
  ColoredGroup as unknown as ModelClass<Model>,
  ...ALL_MODELS.filter((model) => model !== (StoredGroup as unknown as ModelClass<Model>)),
]
