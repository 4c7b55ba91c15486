// The gateway's own marshalling against @aws-sdk/util-dynamodb's, which it replaces for speed: the
// same wire values (to the key order and the types), the same plain values, the same errors.
import { inspect } from 'node:util'
import type { AttributeValue } from '@aws-sdk/client-dynamodb'
import { marshall, NumberValueImpl, unmarshall } from '@aws-sdk/util-dynamodb'
import t from 'tap'
import { MARSHALL_OPTIONS, UNMARSHALL_OPTIONS } from '../../src/db/dynamodb-client.js'
import { fromWire, toWire } from '../../src/db/wire.js'

/** What a call returns or throws, spelled out to the last detail. */
function outcome(call: () => unknown): string {
  try {
    return inspect(call(), { depth: Number.POSITIVE_INFINITY, showHidden: false })
  } catch (error) {
    return `throws ${(error as Error).message}`
  }
}

class Point {
  x = 1
}

const values: Record<string, unknown> = {
  string: 'a',
  empty: '',
  unicode: 'Σ → 😀',
  zero: 0,
  negativeZero: -0,
  integer: 42,
  negative: -7,
  float: 0.1 + 0.2,
  tiny: 5e-324,
  maxSafe: Number.MAX_SAFE_INTEGER,
  minSafe: Number.MIN_SAFE_INTEGER,
  true: true,
  false: false,
  null: null,
  list: ['a', 1, null, true, undefined, () => 1, ['b'], { c: 'd' }],
  // biome-ignore lint/suspicious/noSparseArray: a hole is not an undefined entry to marshall
  sparse: [1, , 3],
  emptyList: [],
  map: { a: 'b', nested: { deeper: [1, { e: null }] }, gone: undefined, method: () => 1 },
  emptyMap: {},
  nullPrototype: Object.assign(Object.create(null), { a: 1 }),
  stringSet: new Set(['a', 'b']),
  numberSet: new Set([1, 2]),
  bigint: 12345678901234567890n,
  numberValue: NumberValueImpl.from('12345678901234567890'),
  binary: new Uint8Array([1, 2, 3]),
  buffer: Buffer.from('xyz'),
  map2: new Map([['a', 1]]),
  boxedString: Object('boxed'),
  boxedNumber: Object(3),
}
const refused: Record<string, unknown> = {
  unsafe: Number.MAX_SAFE_INTEGER + 2,
  large: 1e21,
  unsafeNegative: Number.MIN_SAFE_INTEGER - 2,
  nan: Number.NaN,
  infinity: Number.POSITIVE_INFINITY,
  emptySet: new Set(),
  mixedSet: new Set([{}]),
  nestedUnsafe: { deep: [2 ** 60] },
  symbol: Symbol('x'),
  date: new Date(0),
  classInstance: new Point(),
}

t.test('toWire gives what marshall gives, value by value and as one item', async (t) => {
  for (const [name, value] of Object.entries({ ...values, ...refused })) {
    const item = { [name]: value }
    t.equal(
      outcome(() => toWire(item)),
      outcome(() => marshall(item, MARSHALL_OPTIONS)),
      name,
    )
  }
  t.equal(
    outcome(() => toWire(values)),
    outcome(() => marshall(values, MARSHALL_OPTIONS)),
  )
  for (const item of [new Point(), Object.assign(Object.create(null), { a: 'b' })]) {
    t.equal(
      outcome(() => toWire(item as Record<string, unknown>)),
      outcome(() => marshall(item, MARSHALL_OPTIONS)),
    )
  }
})

t.test('fromWire gives what unmarshall gives, for every type and malformed values', async (t) => {
  const wire: Record<string, AttributeValue> = {
    ...marshall(values, MARSHALL_OPTIONS),
    big: { N: '9007199254740993' },
    bigNegative: { N: '-9007199254740993' },
    notANumber: { N: 'abc' },
    huge: { N: '1e400' },
    decimal: { N: '0.1' },
    stringSet: { SS: ['a', 'b'] },
    numberSet: { NS: ['1', '9007199254740993'] },
    binarySet: { BS: [new Uint8Array([1])] },
    nullFalse: { NULL: false },
    boolString: { BOOL: 'false' as unknown as boolean },
    // The first member that is defined decides, as the library reads it.
    twoMembers: { N: '1', S: 'x' } as unknown as AttributeValue,
    undefinedFirst: { S: undefined, N: '2' } as unknown as AttributeValue,
    list: { L: [{ S: 'a' }, { M: { b: { N: '1' } } }, { NULL: true }] },
  }
  for (const [name, value] of Object.entries(wire)) {
    const item = { [name]: value }
    t.equal(
      outcome(() => fromWire(item)),
      outcome(() => unmarshall(item, UNMARSHALL_OPTIONS)),
      name,
    )
  }
  t.equal(
    outcome(() => fromWire(wire)),
    outcome(() => unmarshall(wire, UNMARSHALL_OPTIONS)),
  )
  for (const malformed of [{}, { X: 'y' }, { S: undefined }]) {
    const item = { a: malformed as AttributeValue }
    t.match(
      outcome(() => fromWire(item)),
      /^throws /,
    )
    t.equal(
      outcome(() => fromWire(item)),
      outcome(() => unmarshall(item, UNMARSHALL_OPTIONS)),
    )
  }
})
