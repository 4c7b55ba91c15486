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
