import { createHash, type Hash } from 'node:crypto'
import t from 'tap'
import { updateCanonical } from '../../src/http/canonical-json.js'

const sha256 = () => createHash('sha256')
const canonical = (value: unknown) => updateCanonical(sha256(), value).digest('hex')
const ofText = (text: string) => sha256().update(text).digest('hex')

/** A hash that keeps what it is fed, to see the text and the pieces. */
function recording(): { hash: Hash; pieces: string[] } {
  const hash = sha256()
  const pieces: string[] = []
  const update = hash.update.bind(hash)
  hash.update = ((data: string) => {
    pieces.push(data)
    return update(data)
  }) as Hash['update']
  return { hash, pieces }
}

t.test('the text is JSON.stringify with every object’s keys sorted, arrays in order', async (t) => {
  const { hash, pieces } = recording()
  updateCanonical(hash, {
    z: [3, 1, { b: 'x', a: null }],
    a: { d: true, c: -1.5e-7 },
    'é"\n': 'quote " and \u2028',
    m: [],
    e: {},
  })
  t.equal(
    pieces.join(''),
    '{"a":{"c":-1.5e-7,"d":true},"e":{},"m":[],"z":[3,1,{"a":null,"b":"x"}],"é\\"\\n":"quote \\" and \u2028"}',
  )
  for (const value of [null, 0, 'text', true, [], {}, [[[]]], { a: [{}] }]) {
    t.equal(
      canonical(value),
      ofText(JSON.stringify(value)),
      `${JSON.stringify(value)} as JSON.stringify writes it`,
    )
  }
})

t.test('the same data hashes the same whatever the key order; other data hashes otherwise', async (t) => {
  const sent = { name: 'a', items: [{ x: 1, y: { p: 'q', r: ['s'] } }, 2] }
  const reordered = { items: [{ y: { r: ['s'], p: 'q' }, x: 1 }, 2], name: 'a' }
  t.equal(canonical(reordered), canonical(sent))
  for (const other of [
    { name: 'a', items: [{ x: 1, y: { p: 'Q', r: ['s'] } }, 2] },
    { name: 'a', items: [2, { x: 1, y: { p: 'q', r: ['s'] } }] },
    { name: 'a', items: [{ x: 1, y: { p: 'q', r: ['s'] } }, '2'] },
    { name: 'a', items: [{ x: 1, y: { p: 'q', r: ['s'], t: null } }, 2] },
    { name: 'a', items: [{ x: 1, y: { 'p":"q': 'q', r: ['s'] } }, 2] },
  ]) {
    t.not(canonical(other), canonical(sent), JSON.stringify(other))
  }
})

t.test('what JSON.stringify leaves out or converts, it leaves out and converts', async (t) => {
  const at = new Date('2025-01-02T03:04:05.000Z')
  t.equal(
    canonical({ b: undefined, a: at, c: () => 1, d: [undefined, Symbol('s'), Number.NaN] }),
    ofText('{"a":"2025-01-02T03:04:05.000Z","d":[null,null,null]}'),
  )
  t.equal(canonical(undefined), ofText('null'))
})

t.test('a large body is fed in pieces; depth is no limit', async (t) => {
  const items = Array.from({ length: 2_000 }, (_, i) => ({
    groupType: 'team',
    name: `${'x'.repeat(500)}${i}`,
  }))
  const { hash, pieces } = recording()
  t.equal(updateCanonical(hash, { items }).digest('hex'), ofText(JSON.stringify({ items })))
  t.ok(pieces.length > 10, `${pieces.length} pieces`)
  t.ok(Math.max(...pieces.map((piece) => piece.length)) < 70_000, 'none much over 64K characters')

  const depth = 200_000
  const deep = JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`)
  t.equal(canonical(deep), ofText(`${'['.repeat(depth)}${']'.repeat(depth)}`))
})
