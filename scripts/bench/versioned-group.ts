// Groups with a two-step history (a rename, then a default and a split), for the benchmarks of old
// items: Group as it is stored today is version 3, and v1/v2 items are made from today's.
import { type Item, Group as StoredGroup, type Upcaster } from '../../src/models/index.js'

const renameType: Upcaster = ({ type, ...rest }) =>
  type === undefined ? rest : { ...rest, group_type: type }
const privacyAndBadge: Upcaster = ({ is_private, badge, ...rest }) => {
  const item: Item = {
    ...rest,
    privacy_settings: { visibility: is_private === false ? 'tenant' : 'private' },
  }
  if (typeof badge === 'string') {
    const [icon, color] = badge.split(' ', 2)
    if (icon) item.icon = icon
    if (color) item.color = color
  }
  return item
}

/** Named Group so that it reads and writes the items of groups (`model_name` group). */
class Group extends StoredGroup {
  static override readonly modelVersion: number = 3
  static readonly upcasters = { 1: renameType, 2: privacyAndBadge }
}

export const VersionedGroup = Group

/** A group item as version 2 stored it, from one stored today. */
export function v2Item({ icon, color, privacy_settings, ...item }: Item): Item {
  return {
    ...item,
    model_version: 2,
    is_private: (privacy_settings as { visibility: string }).visibility !== 'tenant',
    badge: `${icon} ${color}`,
  }
}

/** A group item as version 1 stored it, from one stored today. */
export function v1Item(item: Item): Item {
  const { group_type, ...rest } = v2Item(item)
  return { ...rest, model_version: 1, type: group_type }
}
