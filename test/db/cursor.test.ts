import { createHash, createHmac } from 'node:crypto'
import t, { type Test } from 'tap'
import { type CursorBinding, CursorCodec, type LastEvaluatedKey } from '../../src/db/cursor.js'
import { AppError } from '../../src/errors/app-error.js'
import { MAX_CURSOR_LENGTH } from '../../src/models/index.js'

const SECRET = 'cursor-secret-for-unit-tests'
const codec = new CursorCodec(SECRET)
const binding: CursorBinding = { tenantId: 'acme', query: 'gsi3|tenant#acme#group|desc' }
const key: LastEvaluatedKey = {
  pk: 'tenant#acme#group#01hm4zb3q5x7k9n2p4r6t8v0wy',
  sk: 'group#01hm4zb3q5x7k9n2p4r6t8v0wy',
  gsi3_pk: 'tenant#acme#group',
  gsi3_sk: 'created#1705312200#id#01hm4zb3q5x7k9n2p4r6t8v0wy',
}

/** Signs any payload the way the codec does, to build well-signed cursors with bad contents. */
function sign(payload: string, on: CursorBinding = binding, secret = SECRET): string {
  const mac = createHmac('sha256', createHash('sha256').update(secret).digest())
    .update(`${on.tenantId}\u0000${on.query}\u0000${payload}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url')
  return `${payload}.${mac}`
}

function assertRefused(t: Test, decode: () => unknown, label: string) {
  let thrown: unknown
  try {
    decode()
  } catch (error) {
    thrown = error
  }
  t.ok(thrown instanceof AppError, `${label}: throws an AppError`)
  t.equal((thrown as AppError | undefined)?.code, 'VALIDATION_ERROR', `${label}: code`)
  t.equal((thrown as AppError | undefined)?.status, 400, `${label}: status`)
}

// A character that decodes to different bits than the one it replaces.
const flip = (char: string) => (char === 'A' ? 'B' : 'A')
const flipAt = (text: string, index: number) =>
  text.slice(0, index) + flip(text.charAt(index)) + text.slice(index + 1)

t.test('a cursor decodes to the key it was made from', async (t) => {
  const cursor = codec.encode(key, binding)
  t.type(cursor, 'string')
  t.strictSame(codec.decode(cursor, binding), key)
  t.strictSame(new CursorCodec(SECRET).decode(cursor, binding), key, 'another codec with the same secret')
})

t.test('a cursor is opaque: no key text in the clear', async (t) => {
  const cursor = codec.encode(key, binding)
  t.notMatch(cursor, /tenant#|acme|created/)
  t.match(cursor, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
})

t.test('the sign helper agrees with the codec', async (t) => {
  t.equal(sign(codec.encode(key, binding).split('.')[0] as string), codec.encode(key, binding))
})

t.test('a tampered payload is refused', async (t) => {
  const cursor = codec.encode(key, binding)
  const [payload, mac] = cursor.split('.') as [string, string]
  assertRefused(t, () => codec.decode(`${flipAt(payload, 0)}.${mac}`, binding), 'first character flipped')
  assertRefused(t, () => codec.decode(`${flipAt(payload, 10)}.${mac}`, binding), 'middle character flipped')
  const forged = Buffer.from(JSON.stringify({ ...key, pk: 'tenant#globex#group#x' })).toString('base64url')
  assertRefused(t, () => codec.decode(`${forged}.${mac}`, binding), 'payload replaced')
  const other = codec.encode({ pk: 'tenant#acme#group#other', sk: 'group#other' }, binding)
  assertRefused(t, () => codec.decode(`${other.split('.')[0]}.${mac}`, binding), 'payloads swapped')
})

t.test('a tampered MAC is refused', async (t) => {
  const cursor = codec.encode(key, binding)
  const [payload, mac] = cursor.split('.') as [string, string]
  assertRefused(t, () => codec.decode(`${payload}.${flipAt(mac, 0)}`, binding), 'first character flipped')
  assertRefused(t, () => codec.decode(`${payload}.${flipAt(mac, 5)}`, binding), 'middle character flipped')
  assertRefused(t, () => codec.decode(`${payload}.${mac.slice(0, -4)}`, binding), 'truncated')
  assertRefused(t, () => codec.decode(`${payload}.${mac}${mac}`, binding), 'doubled')
  const otherMac = codec.encode({ pk: 'x' }, binding).split('.')[1]
  assertRefused(t, () => codec.decode(`${payload}.${otherMac}`, binding), "another cursor's MAC")
})

t.test("another tenant's cursor is refused", async (t) => {
  const cursor = codec.encode(key, binding)
  assertRefused(t, () => codec.decode(cursor, { ...binding, tenantId: 'globex' }), 'other tenant')
  assertRefused(t, () => codec.decode(cursor, { ...binding, tenantId: 'acme2' }), 'tenant with a longer id')
})

t.test('a cursor from another query is refused', async (t) => {
  const cursor = codec.encode(key, binding)
  assertRefused(t, () => codec.decode(cursor, { ...binding, query: 'gsi3|tenant#acme#group|asc' }), 'order')
  assertRefused(
    t,
    () => codec.decode(cursor, { ...binding, query: 'gsi2|tenant#acme#group#type#x' }),
    'index',
  )
  assertRefused(t, () => codec.decode(cursor, { ...binding, query: '' }), 'empty query')
})

t.test('the tenant/query boundary cannot be shifted', async (t) => {
  const cursor = codec.encode(key, { tenantId: 'acme', query: 'q' })
  assertRefused(t, () => codec.decode(cursor, { tenantId: 'acmeq', query: '' }), 'tenant absorbs query')
  assertRefused(t, () => codec.decode(cursor, { tenantId: 'acm', query: 'eq' }), 'query absorbs tenant')
})

t.test('a cursor from a codec with another secret is refused', async (t) => {
  const foreign = new CursorCodec('another-secret-entirely').encode(key, binding)
  assertRefused(t, () => codec.decode(foreign, binding), 'other secret')
  t.strictSame(
    new CursorCodec('another-secret-entirely').decode(foreign, binding),
    key,
    'but its own codec reads it',
  )
})

t.test('garbage strings are refused', async (t) => {
  const garbage = [
    '',
    '.',
    '..',
    'abc',
    'abc.',
    '.abc',
    'a.b',
    'a.b.c',
    'null',
    '%%%.%%%',
    '🙂.🙂',
    'eyJwayI6IngifQ',
    `${codec.encode(key, binding)}.extra`,
    ` ${codec.encode(key, binding)}`.replace('.', '. '),
  ]
  for (const cursor of garbage) assertRefused(t, () => codec.decode(cursor, binding), JSON.stringify(cursor))
})

t.test('over-long cursors are refused even when well signed', async (t) => {
  const longKey = { pk: 'p'.repeat(MAX_CURSOR_LENGTH), sk: 's' }
  const cursor = codec.encode(longKey, binding)
  t.ok(cursor.length > MAX_CURSOR_LENGTH, 'the cursor is over the limit')
  assertRefused(t, () => codec.decode(cursor, binding), 'long signed cursor')
  assertRefused(t, () => codec.decode('a'.repeat(100_000), binding), 'long garbage')

  const fitting = codec.encode({ pk: 'p'.repeat(1000) }, binding)
  t.ok(fitting.length <= MAX_CURSOR_LENGTH)
  t.strictSame(
    codec.decode(fitting, binding),
    { pk: 'p'.repeat(1000) },
    'a long cursor within the limit is fine',
  )
})

t.test('well-signed payloads that are not a key of strings are refused', async (t) => {
  const notKeys: unknown[] = [
    null,
    42,
    'text',
    true,
    [],
    ['pk', 'x'],
    { pk: 1 },
    { pk: { S: 'x' } },
    { pk: null },
  ]
  for (const value of notKeys) {
    const cursor = codec.encode(value as LastEvaluatedKey, binding)
    assertRefused(t, () => codec.decode(cursor, binding), JSON.stringify(value))
  }
})

t.test('well-signed payloads that are not JSON are refused', async (t) => {
  for (const text of ['not json', '{"pk":', '{pk: "x"}']) {
    const payload = Buffer.from(text).toString('base64url')
    assertRefused(t, () => codec.decode(sign(payload), binding), JSON.stringify(text))
  }
  assertRefused(t, () => codec.decode(sign('!!!!'), binding), 'not base64url')
})

t.test('an empty object is a valid key', async (t) => {
  t.strictSame(codec.decode(codec.encode({}, binding), binding), {})
})

t.test('a cursor has one canonical form: stray characters are refused', async (t) => {
  const codec = new CursorCodec('a-secret-that-is-long-enough')
  const binding = { tenantId: 'acme', query: 'q' }
  const cursor = codec.encode({ pk: 'tenant#acme#x', sk: 'y' }, binding)
  t.same(codec.decode(cursor, binding), { pk: 'tenant#acme#x', sk: 'y' })
  for (const variant of [`${cursor}!!`, `${cursor}=`, ` ${cursor}`, cursor.replace('.', '..')]) {
    t.throws(() => codec.decode(variant, binding), { code: 'VALIDATION_ERROR' }, JSON.stringify(variant))
  }
})
