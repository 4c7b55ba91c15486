// `npm run bench:upcast`: what reading an old item costs. fromItem of a group item as it is stored
// today, then the same through a model with a two-step history (a rename, then a default and a
// split): for an item already current (what the item cache holds, as it keeps the upcast form),
// and for items one and two versions old (what every hit would pay if it kept the stored form).
// `-- --quick`: fewer items and one short round (for CI).
import { deepStrictEqual, ok } from 'node:assert/strict'
import { Command } from 'commander'
import { fromItem, Group, type Item, toItem } from '../../src/models/index.js'
import { type GroupInput, groupInputs } from './group-input.js'
import { type Case, formatCount, formatRatio, opsPerSecond, printTable } from './measure.js'
import { VersionedGroup, v1Item, v2Item } from './versioned-group.js'

const { quick } = new Command('bench:upcast')
  .option('--quick', 'fewer items, one short round', false)
  .parse()
  .opts<{ quick: boolean }>()
const INPUTS = quick ? 32 : 256
const ROUNDS = quick ? 1 : 5
const TIME_PER_ROUND_MS = quick ? 20 : 300
const WARMUP_MS = quick ? 10 : undefined

const current = groupInputs(INPUTS).map((input: GroupInput) => toItem(Object.assign(new Group(), input)))
const versioned = current.map((item) => ({ ...item, model_version: 3 }))
const v2 = current.map(v2Item)
const v1 = current.map(v1Item)

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
const results = await opsPerSecond(cases, { rounds: ROUNDS, timeMs: TIME_PER_ROUND_MS, warmupMs: WARMUP_MS })
ok(sink)
const baseline = results.get(cases[0]?.name ?? '') as number
printTable(
  ['case', 'ops/s', 'ns/op', 'vs today'],
  cases.map(({ name }) => {
    const perSecond = results.get(name) as number
    return [name, formatCount(perSecond), (1e9 / perSecond).toFixed(0), formatRatio(perSecond / baseline)]
  }),
)
