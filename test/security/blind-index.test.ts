import { randomBytes } from 'node:crypto'
import t from 'tap'
import { BlindIndex } from '../../src/security/blind-index.js'

const EMAIL = 'alice@example.com'

t.test('the same email in one tenant gives the same index, whatever its case and blanks', async (t) => {
  const index = new BlindIndex(randomBytes(32))
  const expected = index.email('acme', EMAIL)
  t.equal(index.email('acme', EMAIL), expected, 'the index is deterministic')
  for (const variant of [
    'Alice@Example.COM',
    '  alice@example.com',
    'alice@example.com\t\n',
    ' ALICE@EXAMPLE.COM ',
  ]) {
    t.equal(index.email('acme', variant), expected, `${JSON.stringify(variant)} gives the same index`)
  }
  t.not(index.email('acme', 'bob@example.com'), expected, 'another email gives another index')
  t.not(index.email('acme', 'alice@example.co'), expected, 'a near miss gives another index')
})

t.test('indexes differ between tenants', async (t) => {
  const index = new BlindIndex(randomBytes(32))
  t.not(index.email('acme', EMAIL), index.email('globex', EMAIL), 'acme and globex differ')
  t.not(index.email('acme', EMAIL), index.email('acme2', EMAIL), 'a tenant id that extends another differs')
})

t.test('indexes differ between keys', async (t) => {
  const key = randomBytes(32)
  t.equal(
    new BlindIndex(key).email('acme', EMAIL),
    new BlindIndex(Buffer.from(key)).email('acme', EMAIL),
    'same key, same index',
  )
  t.not(
    new BlindIndex(key).email('acme', EMAIL),
    new BlindIndex(randomBytes(32)).email('acme', EMAIL),
    'another key, another index',
  )
})

t.test('the index is 32 base64url characters that do not reveal the email', async (t) => {
  const index = new BlindIndex(randomBytes(32)).email('acme', EMAIL)
  t.match(index, /^[A-Za-z0-9_-]{32}$/, 'index is 32 base64url characters')
  t.notOk(index.includes(EMAIL), 'the email does not appear')
  t.notOk(index.includes('alice'), 'the local part does not appear')
  t.notOk(
    index.includes(Buffer.from(EMAIL).toString('base64url').slice(0, 12)),
    'the email does not appear encoded',
  )
})

t.test('keys shorter than 32 bytes are refused', async (t) => {
  t.throws(() => new BlindIndex(randomBytes(31)), Error, '31 bytes are refused')
  t.throws(() => new BlindIndex(Buffer.alloc(0)), Error, 'an empty key is refused')
  t.doesNotThrow(() => new BlindIndex(randomBytes(32)), '32 bytes are accepted')
  t.doesNotThrow(() => new BlindIndex(randomBytes(64)), 'longer keys are accepted')
})
