// `npm run bench:model`: tessera's model layer against ElectroDB 3 and DynamoDB-Toolbox 2 on the same
// Group entity, each from its input to the low-level command input in wire format (what is sent):
// put, get by primary key, and parsing a stored wire item back to a model. Every library's output
// is checked to be the same wire attributes, and every parse to give back the input, before
// anything is timed. `-- --quick`: a few inputs and one short round (for CI; targets never fail it).
import { deepStrictEqual, ok } from 'node:assert/strict'
import { createRequire } from 'node:module'
import { Command } from 'commander'
import type { WireItem } from '../../src/db/wire.js'
import { groupInputs } from './group-input.js'
import { type Case, formatCount, formatRatio, opsPerSecond, printTable } from './measure.js'
import { LIBRARIES, type Library, libraries, TABLE } from './model-libraries.js'
import { reportTargets } from './targets.js'

const { quick } = new Command('bench:model')
  .option('--quick', 'a few inputs, one short round', false)
  .parse()
  .opts<{ quick: boolean }>()
const INPUTS = quick ? 32 : 256
const ROUNDS = quick ? 1 : 5
const TIME_PER_ROUND_MS = quick ? 20 : 400
const WARMUP_MS = quick ? 10 : undefined

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1_pk', 'gsi1_sk', 'gsi2_pk', 'gsi2_sk', 'gsi3_pk', 'gsi3_sk']
const DATA_ATTRIBUTES = [
  'id',
  'tenant_id',
  'user_id',
  'name',
  'description',
  'group_type',
  'icon',
  'color',
  'privacy_settings',
  'model_version',
  'created_utc',
  'updated_utc',
  'version',
]
const OPERATIONS = [
  { key: 'put', title: 'put input (item + 4 index keys)' },
  { key: 'get', title: 'get input (primary key)' },
  { key: 'parse', title: 'parse stored wire item → model' },
] as const
type Operation = (typeof OPERATIONS)[number]['key']
/** tessera's ops/s over each library's, at least. */
const TARGETS: readonly { operation: Operation; library: Library; goal: number }[] = [
  { operation: 'put', library: 'ElectroDB', goal: 10 },
  { operation: 'get', library: 'ElectroDB', goal: 50 },
  { operation: 'get', library: 'Toolbox', goal: 50 },
  { operation: 'parse', library: 'ElectroDB', goal: 2 },
]

const inputs = groupInputs(INPUTS)
// Each library parses items in its own stored format: what its own put sends, as it comes back off
// the wire (parsed from JSON, as the SDK hands it over).
const storedItems = Object.fromEntries(
  LIBRARIES.map((library) => [
    library,
    inputs.map((input) => JSON.parse(JSON.stringify(libraries[library].put(input).Item)) as WireItem),
  ]),
) as Record<Library, WireItem[]>

assertComplete()

let sink: unknown
/** One timed call: the operation on every one of `values`. */
function caseOf<T>(name: string, values: readonly T[], operation: (value: T) => unknown): Case {
  return {
    name,
    opsPerCall: values.length,
    run: () => {
      for (const value of values) sink = operation(value)
    },
  }
}
const cases: Case[] = LIBRARIES.flatMap((library) => {
  const { put, get, parse } = libraries[library]
  return [
    caseOf(`${library} put`, inputs, put),
    caseOf(`${library} get`, inputs, get),
    caseOf(`${library} parse`, storedItems[library], parse),
  ]
})

console.log(
  `Model layer: tessera vs ElectroDB ${versionOf('electrodb')} vs DynamoDB-Toolbox ${versionOf('dynamodb-toolbox')}, input → wire format`,
)
console.log(
  `Node ${process.version}; ${INPUTS} varied groups per call; median of ${ROUNDS} rounds × ${TIME_PER_ROUND_MS} ms per case${quick ? ' (quick)' : ''}\n`,
)
const results = await opsPerSecond(cases, { rounds: ROUNDS, timeMs: TIME_PER_ROUND_MS, warmupMs: WARMUP_MS })
ok(sink !== undefined)

const opsOf = (library: Library, operation: Operation) => results.get(`${library} ${operation}`) as number
const ratioOf = (operation: Operation, library: Library) =>
  opsOf('tessera', operation) / opsOf(library, operation)
printTable(
  ['case (ops/s)', 'tessera', 'ElectroDB', 'Toolbox', 'tessera/ElectroDB', 'tessera/Toolbox'],
  OPERATIONS.map(({ key, title }) => [
    title,
    ...LIBRARIES.map((library) => formatCount(opsOf(library, key))),
    formatRatio(ratioOf(key, 'ElectroDB')),
    formatRatio(ratioOf(key, 'Toolbox')),
  ]),
)

console.log('')
const slower = OPERATIONS.flatMap(({ key }) =>
  (['ElectroDB', 'Toolbox'] as const)
    .filter((library) => ratioOf(key, library) < 1)
    .map((library) => `${key} vs ${library}: ${formatRatio(ratioOf(key, library))}`),
)
reportTargets([
  ...TARGETS.map(({ operation, library, goal }) => {
    const ratio = ratioOf(operation, library)
    return {
      target: `model layer: ${operation} / ${library} (ops/s)`,
      measured: formatRatio(ratio),
      goal: `≥ ${goal}×`,
      met: ratio >= goal,
    }
  }),
  {
    target: 'model layer: every case / either library',
    measured: slower.length === 0 ? 'none slower' : slower.join(', '),
    goal: 'all ≥ 1×',
    met: slower.length === 0,
  },
])

/** Every library must send the same wire attributes, and parse back the input, before it is timed. */
function assertComplete(): void {
  inputs.forEach((input, i) => {
    const expected = storedItems.tessera[i] as WireItem
    for (const attribute of [...KEY_ATTRIBUTES, ...DATA_ATTRIBUTES])
      ok(expected[attribute] !== undefined, `tessera put lacks ${attribute}`)
    const pick = (item: WireItem) =>
      Object.fromEntries([...KEY_ATTRIBUTES, ...DATA_ATTRIBUTES].map((name) => [name, item[name]]))
    for (const library of LIBRARIES) {
      const item = storedItems[library][i] as WireItem
      deepStrictEqual(pick(item), pick(expected), `${library} put`)
      const { Key, TableName } = libraries[library].get(input)
      deepStrictEqual({ Key, TableName }, { Key: { pk: expected.pk, sk: expected.sk }, TableName: TABLE })
      const parsed = { ...libraries[library].parse(item) } as Record<string, unknown>
      for (const [field, value] of Object.entries(input))
        deepStrictEqual(parsed[field], value, `${library} parse: ${field}`)
    }
  })
}

function versionOf(name: string): string {
  return (createRequire(import.meta.url)(`${name}/package.json`) as { version: string }).version
}
