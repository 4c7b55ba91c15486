import t from 'tap'
import { buildKey, tenantKey } from '../../src/models/index.js'

t.test('buildKey reproduces the boto3-assist vectors of docs/design.md', async (t) => {
  const vectors: [Parameters<typeof buildKey>, string][] = [
    [
      [
        ['group', 'ABC'],
        ['tenant', 'T1'],
      ],
      'group#abc#tenant#t1',
    ],
    [[['group', '']], 'group'],
    [[['group', ' ']], 'group'],
    [[['group', null]], 'group#'],
    [
      [
        ['xref', 'task'],
        ['id', null],
      ],
      'xref#task',
    ],
    [
      [
        ['group', 'a'],
        ['tenant', ''],
      ],
      'group#a#tenant',
    ],
    [
      [
        ['crm', ''],
        ['xref', 'task'],
        ['id', '1'],
      ],
      'crm#xref#task#id#1',
    ],
    [
      [
        ['', 'x'],
        ['tenant', 't'],
      ],
      'x#tenant#t',
    ],
    [[['n', 42]], 'n#42'],
  ]
  for (const [pairs, expected] of vectors) {
    t.equal(buildKey(...pairs), expected, JSON.stringify(pairs))
  }
})

t.test('undefined stops the chain like null', async (t) => {
  t.equal(buildKey(['xref', 'task'], ['id', undefined], ['more', 'x']), 'xref#task')
})

t.test('tenantKey prefixes tenant#<id># and refuses ids that would break the prefix', async (t) => {
  t.equal(tenantKey('acme', ['group', 'G1']), 'tenant#acme#group#g1')
  for (const bad of ['', ' ', 'a#b', 'ACME', 'x'.repeat(65)]) {
    t.throws(() => tenantKey(bad, ['group', '1']), JSON.stringify(bad))
  }
})

t.test('a blank value is what Python’s str.strip() leaves empty, not what trim() does', async (t) => {
  // Python's str.isspace(), every code point of it (Python 3.11, Unicode 14).
  const python = [
    0x09,
    0x0a,
    0x0b,
    0x0c,
    0x0d,
    0x1c,
    0x1d,
    0x1e,
    0x1f,
    0x20,
    0x85,
    0xa0,
    0x1680,
    ...Array.from({ length: 11 }, (_, i) => 0x2000 + i),
    0x2028,
    0x2029,
    0x202f,
    0x205f,
    0x3000,
  ]
  for (let code = 0; code <= 0x10ffff; code++) {
    if (code >= 0xd800 && code <= 0xdfff) continue
    const blank = buildKey(['group', String.fromCodePoint(code).repeat(2)]) === 'group'
    if (blank !== python.includes(code)) t.fail(`U+${code.toString(16)}: blank ${blank}`)
  }

  // Where JavaScript's trim() and Python's strip() disagree, and U+180E, which neither trims.
  const hex = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`
  for (const code of [0x1c, 0x1d, 0x1e, 0x1f, 0x85]) {
    const c = String.fromCodePoint(code)
    t.equal(buildKey(['group', c]), 'group', `${hex(code)} alone is blank`)
    t.equal(buildKey(['group', `${c}${c}`], ['tenant', 't']), 'group#tenant#t', `${hex(code)} twice is blank`)
    // strip() serves only the empty check: a value with more keeps all of it, as boto3-assist does.
    t.equal(buildKey(['group', `${c}A${c}`]), `group#${c}a${c}`, `${hex(code)} around a value is kept`)
  }
  for (const code of [0xfeff, 0x180e]) {
    const c = String.fromCodePoint(code)
    t.equal(buildKey(['group', c]), `group#${c}`, `${hex(code)} alone is a value`)
    t.equal(buildKey(['group', `${c}A${c}`]), `group#${c}a${c}`, `${hex(code)} around a value is kept`)
  }
})

t.test('keys are lower-cased part by part exactly as the whole key would be', async (t) => {
  // The key as first written: every pair joined, then the whole key lower-cased once.
  function wholeKey(pairs: readonly (readonly [string, string | null])[]): string {
    let key = ''
    pairs.every(([name, value], i) => {
      if (value === null) {
        if (i === 0) key = name ? `${name}#` : ''
        return false
      }
      // The only blank character below is the space.
      const part = /^ *$/.test(value) ? name : name ? `${name}#${value}` : value
      key = i === 0 ? part : `${key}#${part}`
      return true
    })
    return key.toLowerCase()
  }
  // Letters whose lower case depends on their neighbours (final sigma) or changes length, and the
  // case-ignorable marks around them.
  const alphabet = [
    'Σ',
    'σ',
    'ς',
    'A',
    'a',
    'İ',
    'ẞ',
    'Ω',
    "'",
    '.',
    ':',
    '\u0301',
    '\u0345',
    '#',
    ' ',
    '1',
    '😀',
    '',
  ]
  let seed = 7
  const random = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
    return seed % n
  }
  const text = () => Array.from({ length: random(5) }, () => alphabet[random(alphabet.length)]).join('')
  for (let i = 0; i < 5_000; i++) {
    const pairs = Array.from(
      { length: 1 + random(4) },
      () => [text(), random(8) === 0 ? null : text()] as [string, string | null],
    )
    const tenant = ['acme', 't-1', 'x_y'][random(3)] as string
    if (buildKey(...pairs) !== wholeKey(pairs)) t.fail(`buildKey ${JSON.stringify(pairs)}`)
    if (tenantKey(tenant, ...pairs) !== wholeKey([['tenant', tenant], ...pairs]))
      t.fail(`tenantKey ${tenant} ${JSON.stringify(pairs)}`)
  }
  t.pass('5,000 random keys')
})
