import t from 'tap'
import { z } from 'zod'
import { maxBatchBytes } from '../../../src/http/schemas/batch-items.js'
import { maxJsonBytes } from '../../../src/http/schemas/json-size.js'

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value))
// One UTF-16 code unit each, except the emoji (two): the widest of each kind JSON.stringify writes.
const WIDE = { control: '\u0000', quote: '"', cjk: '\u6f22', emoji: '\u{1f600}' }

t.test('a string at its maximum length is widest in control characters', async (t) => {
  const schema = z.string().max(12)
  const bound = maxJsonBytes(schema)
  for (const [kind, char] of Object.entries(WIDE)) {
    const value = char.repeat(12 / char.length)
    t.ok(schema.safeParse(value).success, `${kind}: valid`)
    t.ok(bytes(value) <= bound, `${kind}: ${bytes(value)} bytes, within ${bound}`)
  }
  t.equal(bytes(WIDE.control.repeat(12)), bound, 'the bound is what control characters take: it is tight')
})

t.test('objects, enums, booleans, optional and nullable fields', async (t) => {
  const schema = z.strictObject({
    name: z.string().trim().min(1).max(5),
    kind: z.enum(['a', 'longest']),
    flag: z.boolean().optional(),
    note: z.string().max(1).nullable().optional(),
    nested: z.strictObject({ x: z.string().max(2) }),
  })
  const widest = {
    name: '\u0001'.repeat(5),
    kind: 'longest',
    flag: false,
    note: '\u0001',
    nested: { x: '\u0001\u0001' },
  }
  t.ok(schema.safeParse(widest).success, 'the widest value is valid')
  t.equal(maxJsonBytes(schema), bytes(widest), 'the bound is the widest value')
  t.equal(maxJsonBytes(z.string().max(0).nullable()), 4, 'null is wider than an empty string')
})

t.test('a schema without a largest size is refused, not guessed', async (t) => {
  t.throws(() => maxJsonBytes(z.string()), /maximum length/)
  t.throws(() => maxJsonBytes(z.string().regex(/^[a-z]{1,5}$/)), /maximum length/)
  t.throws(() => maxJsonBytes(z.object({ a: z.string().max(1) })), /unknown keys/)
  t.throws(() => maxJsonBytes(z.number()), /number/)
})

t.test('a batch body of the widest items', async (t) => {
  const item = z.strictObject({ a: z.string().max(3) })
  const body = { items: Array.from({ length: 4 }, () => ({ a: '\u0000\u0000\u0000' })) }
  t.equal(maxBatchBytes(item, 4), bytes(body), 'the bound is the body of four widest items')
})
