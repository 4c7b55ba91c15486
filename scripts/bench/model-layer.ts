// `npm run bench:model`: tessera's model layer against ElectroDB 3 and DynamoDB-Toolbox 2 on the same
// Group entity — building put parameters, building get parameters, and parsing a stored item back.
// Every library's output is checked for completeness before anything is timed.
import { deepStrictEqual, ok } from 'node:assert/strict'
import { createRequire } from 'node:module'
import { EntityFormatter } from 'dynamodb-toolbox/entity/actions/format'
import { GetItemCommand } from 'dynamodb-toolbox/entity/actions/get'
import { PutItemCommand } from 'dynamodb-toolbox/entity/actions/put'
import { getItemParams, putNewItemParams } from '../../src/db/params.js'
import { fromItem, Group, type Item, keyOf, toItem } from '../../src/models/index.js'
import { electroGroup } from './electrodb-group.js'
import { type GroupInput, groupInputs } from './group-input.js'
import { type Case, formatCount, formatRatio, opsPerSecond, printTable } from './measure.js'
import { toolboxGroup } from './toolbox-group.js'

const TABLE = 'bench'
const INPUTS = 256
const ROUNDS = 5
const TIME_PER_ROUND_MS = 400
const PUT_TARGET_VS_ELECTRODB = 10

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

// Toolbox actions are built once and reused: `.item()`/`.key()` return a new command each time.
const toolboxPut = toolboxGroup.build(PutItemCommand)
const toolboxGet = toolboxGroup.build(GetItemCommand)
const toolboxFormatter = toolboxGroup.build(EntityFormatter)

const libraries = {
  tessera: {
    put: (input: GroupInput) => putNewItemParams(TABLE, toItem(Object.assign(new Group(), input))),
    get: ({ tenantId, id }: GroupInput) =>
      getItemParams(TABLE, keyOf(Group, 'primary', { tenantId, id }), false),
    parse: (item: Item) => fromItem(Group, item),
  },
  ElectroDB: {
    put: (input: GroupInput) => electroGroup.put(input).params(),
    get: ({ tenantId, id }: GroupInput) => electroGroup.get({ tenantId, id }).params(),
    parse: (item: Item) => electroGroup.parse({ Item: item })?.data,
  },
  Toolbox: {
    put: (input: GroupInput) => toolboxPut.item(input).params(),
    get: ({ tenantId, id }: GroupInput) => toolboxGet.key({ tenantId, id }).params(),
    parse: (item: Item) => toolboxFormatter.format(item),
  },
} as const

type Library = keyof typeof libraries
const LIBRARIES = Object.keys(libraries) as Library[]
const OPERATIONS = [
  { key: 'put', title: 'put params (item + 4 index keys)' },
  { key: 'get', title: 'get params (primary key)' },
  { key: 'parse', title: 'parse stored item → model' },
] as const

const inputs = groupInputs(INPUTS)
// Each library parses items in its own stored format: what its own put params would write.
const storedItems = Object.fromEntries(
  LIBRARIES.map((library) => [library, inputs.map((input) => libraries[library].put(input).Item as Item)]),
) as Record<Library, Item[]>

assertComplete()

let sink: unknown
const cases: Case[] = LIBRARIES.flatMap((library) => {
  const { put, get, parse } = libraries[library]
  const items = storedItems[library]
  return [
    {
      name: `${library} put`,
      opsPerCall: INPUTS,
      run: () => {
        for (const input of inputs) sink = put(input)
      },
    },
    {
      name: `${library} get`,
      opsPerCall: INPUTS,
      run: () => {
        for (const input of inputs) sink = get(input)
      },
    },
    {
      name: `${library} parse`,
      opsPerCall: INPUTS,
      run: () => {
        for (const item of items) sink = parse(item)
      },
    },
  ]
})

console.log(
  `Model layer: tessera vs ElectroDB ${versionOf('electrodb')} vs DynamoDB-Toolbox ${versionOf('dynamodb-toolbox')}`,
)
console.log(
  `Node ${process.version}; ${INPUTS} varied groups per call; median of ${ROUNDS} rounds × ${TIME_PER_ROUND_MS} ms per case\n`,
)
const results = await opsPerSecond(cases, { rounds: ROUNDS, timeMs: TIME_PER_ROUND_MS })
ok(sink !== undefined)

const opsOf = (library: Library, operation: string) => results.get(`${library} ${operation}`) as number
const rows = OPERATIONS.map(({ key, title }) => {
  const tessera = opsOf('tessera', key)
  return [
    title,
    ...LIBRARIES.map((library) => formatCount(opsOf(library, key))),
    formatRatio(tessera / opsOf('ElectroDB', key)),
    formatRatio(tessera / opsOf('Toolbox', key)),
  ]
})
printTable(['case (ops/s)', 'tessera', 'ElectroDB', 'Toolbox', 'tessera/ElectroDB', 'tessera/Toolbox'], rows)

const putRatio = opsOf('tessera', 'put') / opsOf('ElectroDB', 'put')
const slower = OPERATIONS.flatMap(({ key }) =>
  (['ElectroDB', 'Toolbox'] as const)
    .filter((library) => opsOf('tessera', key) < opsOf(library, key))
    .map((library) => `${key} vs ${library}`),
)
console.log('')
console.log(
  `target: put params ≥ ${PUT_TARGET_VS_ELECTRODB}× ElectroDB — ${formatRatio(putRatio)}: ${putRatio >= PUT_TARGET_VS_ELECTRODB ? 'met' : 'MISSED'}`,
)
console.log(
  `target: no case slower than either library — ${slower.length === 0 ? 'met' : `MISSED (${slower.join(', ')})`}`,
)

/** Every library must do the whole job, with the same result, before it is timed. */
function assertComplete(): void {
  inputs.forEach((input, i) => {
    const expected = storedItems.tessera[i] as Item
    for (const attribute of [...KEY_ATTRIBUTES, ...DATA_ATTRIBUTES])
      ok(expected[attribute] !== undefined, `tessera put lacks ${attribute}`)
    for (const library of LIBRARIES) {
      const item = storedItems[library][i] as Item
      for (const attribute of [...KEY_ATTRIBUTES, ...DATA_ATTRIBUTES])
        deepStrictEqual(item[attribute], expected[attribute], `${library} put: ${attribute}`)
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
