import t from 'tap'
import { canonicalItem, ItemsDigest, itemHash } from '../../src/ops/item-digest.js'

t.test('canonical JSON does not depend on attribute, map key or set member order', async (t) => {
  const a = {
    pk: { S: 'tenant#t#group#1' },
    sk: { S: 'group' },
    tags: { SS: ['b', 'a'] },
    blobs: { BS: [Buffer.from('y'), Buffer.from('x')] },
    settings: { M: { z: { N: '1' }, a: { L: [{ S: 'first' }, { NULL: true }] } } },
  }
  const b = {
    settings: { M: { a: { L: [{ S: 'first' }, { NULL: true }] }, z: { N: '1' } } },
    blobs: { BS: [Buffer.from('x'), Buffer.from('y')] },
    tags: { SS: ['a', 'b'] },
    sk: { S: 'group' },
    pk: { S: 'tenant#t#group#1' },
  }
  t.equal(canonicalItem(a), canonicalItem(b))
  t.equal(itemHash(a), itemHash(b))
  t.match(canonicalItem(a), /^\{"blobs":\{"BS":\["eA==","eQ=="\]\},"pk":/)
})

t.test('a list keeps its order, and every change of a value changes the hash', async (t) => {
  const base = { pk: { S: 'p' }, sk: { S: 's' }, list: { L: [{ S: 'a' }, { S: 'b' }] }, n: { N: '1' } }
  const hashes = new Set([
    itemHash(base),
    itemHash({ ...base, list: { L: [{ S: 'b' }, { S: 'a' }] } }),
    itemHash({ ...base, n: { N: '2' } }),
    itemHash({ ...base, n: { S: '1' } }),
    itemHash({ ...base, extra: { BOOL: false } }),
  ])
  t.equal(hashes.size, 5)
})

t.test('a digest of items does not depend on their order', async (t) => {
  const hashes = ['a', 'b', 'c', 'd'].map((id) => itemHash({ pk: { S: id }, sk: { S: id } }))
  const forward = new ItemsDigest()
  const backward = new ItemsDigest()
  for (const hash of hashes) forward.add(hash)
  for (const hash of [...hashes].reverse()) backward.add(hash)
  t.equal(forward.digest, backward.digest)
  t.equal(forward.items, 4)
  const fewer = new ItemsDigest()
  for (const hash of hashes.slice(1)) fewer.add(hash)
  t.not(fewer.digest, forward.digest)
  t.match(forward.digest, /^[0-9a-f]{64}$/)
})
