// `npm run bench:upcast`: what reading an old item costs. fromItem of a group item as it is stored
// today, then the same through a model with a two-step history (a rename, then a default and a
// split): for an item already current (what the item cache holds, as it keeps the upcast form),
// and for items one and two versions old (what every hit would pay if it kept the stored form).
import { deepStrictEqual, ok } from 'node:assert/strict'
import { fromItem, Group, type Item, toItem, type Upcaster } from '../../src/models/index.js'
import { type GroupInput, groupInputs } from './group-input.js'
import { type Case, formatCount, formatRatio, opsPerSecond, printTable } from './measure.js'

const INPUTS = 256
const ROUNDS = 5
const TIME_PER_ROUND_MS = 300

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

class VersionedGroup extends Group {
  static override readonly modelVersion: number = 3
  static readonly upcasters = { 1: renameType, 2: privacyAndBadge }
}

const current = groupInputs(INPUTS).map((input: GroupInput) => toItem(Object.assign(new Group(), input)))
const versioned = current.map((item) => ({ ...item, model_version: 3 }))
const v2: Item[] = current.map(({ icon, color, privacy_settings, ...item }) => ({
  ...item,
  model_version: 2,
  is_private: (privacy_settings as { visibility: string }).visibility !== 'tenant',
  badge: `${icon} ${color}`,
}))
const v1 = v2.map(({ group_type, ...item }) => ({ ...item, model_version: 1, type: group_type }))

for (let i = 0; i < INPUTS; i++) {
  const expected = fromItem(VersionedGroup, versioned[i] as Item)
  deepStrictEqual(fromItem(VersionedGroup, v1[i] as Item).groupType, expected.groupType)
  deepStrictEqual(fromItem(VersionedGroup, v2[i] as Item).icon, expected.icon)
}

let sink: unknown
const parse = (name: string, modelClass: typeof Group, items: readonly Item[]): Case => ({
  name,
  opsPerCall: items.length,
  run: () => {
    for (const item of items) sink = fromItem(modelClass, item)
  },
})
const cases: Case[] = [
  parse('fromItem, no history (today)', Group, current),
  parse('fromItem, history, item current', VersionedGroup, versioned),
  parse('fromItem, history, item 1 step old', VersionedGroup, v2),
  parse('fromItem, history, item 2 steps old', VersionedGroup, v1),
]

console.log(
  `fromItem: ${INPUTS} items per call; median of ${ROUNDS} rounds × ${TIME_PER_ROUND_MS} ms per case\n`,
)
const results = await opsPerSecond(cases, { rounds: ROUNDS, timeMs: TIME_PER_ROUND_MS })
ok(sink)
const baseline = results.get(cases[0]?.name ?? '') as number
printTable(
  ['case', 'ops/s', 'ns/op', 'vs today'],
  cases.map(({ name }) => {
    const perSecond = results.get(name) as number
    return [name, formatCount(perSecond), (1e9 / perSecond).toFixed(0), formatRatio(perSecond / baseline)]
  }),
)
