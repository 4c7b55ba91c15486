// New ids: valid ULIDs with the given time, random parts that do not repeat and favour no
// character, across many refills of the random pool. No network.
import t from 'tap'
import { decodeTime, isValid } from 'ulid'
import { newUlid } from '../../src/models/ids.js'

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

t.test('a ULID with the given time', async (t) => {
  const time = Date.UTC(2026, 10, 25, 12, 0, 0, 123)
  const id = newUlid(time)
  t.ok(isValid(id), id)
  t.equal(id.length, 26)
  t.equal(decodeTime(id), time)
})

t.test('random parts never repeat and use every character evenly', async (t) => {
  const ids = 100_000
  const time = Date.now()
  const randomParts = new Set<string>()
  const counts = new Map<string, number>()
  for (let i = 0; i < ids; i++) {
    const random = newUlid(time).slice(10)
    randomParts.add(random)
    for (const character of random) counts.set(character, (counts.get(character) ?? 0) + 1)
  }
  t.equal(randomParts.size, ids, 'no random part repeated')
  t.strictSame([...counts.keys()].sort(), [...CROCKFORD].sort(), 'all 32 characters, nothing else')
  // 1.6 million characters: 50,000 expected of each, with a standard deviation of about 220.
  const expected = (ids * 16) / CROCKFORD.length
  const worst = Math.max(...[...counts.values()].map((count) => Math.abs(count - expected)))
  t.ok(worst < expected * 0.02, `every character within 2% of ${expected} (worst off by ${worst})`)
})
