import { randomBytes } from 'node:crypto'
import t, { type Test } from 'tap'
import type { DataKey, DataKeyProvider } from '../../src/security/data-key-provider.js'
import {
  type DataKeyReuse,
  DecryptionError,
  FieldCipher,
  type FieldContext,
} from '../../src/security/field-cipher.js'
import { LocalKeyProvider, parseMasterKeys } from '../../src/security/local-key-provider.js'

const REUSE: DataKeyReuse = { maxUses: 1000, maxAgeMs: 60_000, maxCachedKeys: 100 }

const CONTEXT: FieldContext = {
  tenantId: 'acme',
  model: 'user',
  field: 'email',
  itemId: '01HM4ZB3Q5X7K9N2P4R6T8V0WY',
}

function providerWith(keys: Record<string, Buffer>, currentId: string): LocalKeyProvider {
  return new LocalKeyProvider(new Map(Object.entries(keys)), currentId)
}

/** Wraps a provider to count its calls; `failNextGenerate` makes the next generateDataKey reject. */
class CountingProvider implements DataKeyProvider {
  generateCalls = 0
  unwrapCalls = 0
  failNextGenerate = false

  constructor(private readonly inner: DataKeyProvider) {}

  get currentKeyId(): string {
    return this.inner.currentKeyId
  }

  async generateDataKey(): Promise<DataKey> {
    this.generateCalls++
    if (this.failNextGenerate) {
      this.failNextGenerate = false
      throw new Error('key service unavailable')
    }
    return this.inner.generateDataKey()
  }

  async unwrapDataKey(keyId: string, wrapped: Buffer): Promise<Buffer> {
    this.unwrapCalls++
    return this.inner.unwrapDataKey(keyId, wrapped)
  }
}

function counting(reuse: Partial<DataKeyReuse> = {}, now?: () => number) {
  const provider = new CountingProvider(providerWith({ k1: randomBytes(32) }, 'k1'))
  const cipher = new FieldCipher(provider, { ...REUSE, ...reuse }, now)
  return { provider, cipher }
}

async function rejectsWithDecryptionError(t: Test, promise: Promise<unknown>, what: string) {
  const outcome = await promise.then(
    (value) => ({ resolved: true as const, value }),
    (error: unknown) => ({ resolved: false as const, error }),
  )
  if (outcome.resolved) {
    t.fail(`${what}: expected DecryptionError, but it decrypted to ${JSON.stringify(outcome.value)}`)
    return
  }
  t.ok(outcome.error instanceof DecryptionError, `${what}: is a DecryptionError`)
  t.equal((outcome.error as Error | undefined)?.name, 'DecryptionError', `${what}: name is DecryptionError`)
}

/** The ciphertext with one character of one dot-separated part replaced (one that changes the bytes). */
function flipCharacter(ciphertext: string, part: number, position: number): string {
  const parts = ciphertext.split('.')
  const text = parts[part] as string
  const index = position < 0 ? text.length + position : position
  const replacement = text[index] === 'A' ? 'B' : 'A'
  parts[part] = text.slice(0, index) + replacement + text.slice(index + 1)
  return parts.join('.')
}

function keyIdOf(ciphertext: string): string {
  return Buffer.from(ciphertext.split('.')[1] as string, 'base64url').toString('utf8')
}

function wrappedKeyOf(ciphertext: string): string {
  return ciphertext.split('.')[2] as string
}

t.test('round trip', async (t) => {
  const cipher = new FieldCipher(providerWith({ k1: randomBytes(32) }, 'k1'), REUSE)
  const values = {
    ascii: 'alice@example.com',
    unicode: 'Zoë Ångström — 東京 🚀 ünïcödé',
    empty: '',
    long: 'The quick brown fox jumps over the lazy dog. ñ 😀 '.repeat(220).slice(0, 10_240),
  }
  t.ok(values.long.length >= 10_000, 'the long value is about 10 KB')

  for (const [label, value] of Object.entries(values)) {
    const ciphertext = await cipher.encrypt(value, CONTEXT)
    t.ok(ciphertext.startsWith('enc1.'), `${label}: starts with enc1.`)
    t.equal(ciphertext.split('.').length, 5, `${label}: has 5 dot-separated parts`)
    if (value !== '') {
      t.notOk(ciphertext.includes(value), `${label}: the plaintext does not appear`)
      t.notOk(
        ciphertext.includes(Buffer.from(value, 'utf8').toString('base64url')),
        `${label}: the plaintext does not appear base64url-encoded`,
      )
    }
    t.equal(await cipher.decrypt(ciphertext, CONTEXT), value, `${label}: decrypts to the original`)

    const again = await cipher.encrypt(value, CONTEXT)
    t.not(again, ciphertext, `${label}: a second encryption differs`)
    t.not(again.split('.')[3], ciphertext.split('.')[3], `${label}: with a different IV`)
    t.equal(await cipher.decrypt(again, CONTEXT), value, `${label}: the second encryption decrypts too`)
  }
})

t.test('the ciphertext records the current master key id', async (t) => {
  const cipher = new FieldCipher(providerWith({ k1: randomBytes(32) }, 'k1'), REUSE)
  t.equal(keyIdOf(await cipher.encrypt('x', CONTEXT)), 'local:k1')
})

t.test('the AAD binds tenant, model, field and item id', async (t) => {
  const cipher = new FieldCipher(providerWith({ k1: randomBytes(32) }, 'k1'), REUSE)
  const ciphertext = await cipher.encrypt('alice@example.com', CONTEXT)
  t.equal(await cipher.decrypt(ciphertext, { ...CONTEXT }), 'alice@example.com', 'the same context opens it')

  const changes: Record<keyof FieldContext, string> = {
    tenantId: 'globex',
    model: 'group',
    field: 'phone',
    itemId: '01HM4ZB3Q5X7K9N2P4R6T8V0WZ',
  }
  for (const [name, value] of Object.entries(changes)) {
    await rejectsWithDecryptionError(t, cipher.decrypt(ciphertext, { ...CONTEXT, [name]: value }), name)
  }
  await rejectsWithDecryptionError(
    t,
    cipher.decrypt(ciphertext, { ...CONTEXT, tenantId: 'acme\u0000user', model: 'email' }),
    'context parts shifted across the separator',
  )
})

t.test('a tampered ciphertext is refused', async (t) => {
  const cipher = new FieldCipher(providerWith({ k1: randomBytes(32) }, 'k1'), REUSE)
  const ciphertext = await cipher.encrypt('alice@example.com', CONTEXT)

  const tampered: Record<string, string> = {
    'key id': flipCharacter(ciphertext, 1, 0),
    'wrapped key (start)': flipCharacter(ciphertext, 2, 0),
    'wrapped key (end)': flipCharacter(ciphertext, 2, -2),
    iv: flipCharacter(ciphertext, 3, 0),
    'sealed bytes (start)': flipCharacter(ciphertext, 4, 0),
    'sealed bytes (tag)': flipCharacter(ciphertext, 4, -2),
  }
  // The key id is tried first, while the data key is not yet cached (encrypt does not fill the cache).
  for (const [part, value] of Object.entries(tampered)) {
    t.not(value, ciphertext, `${part}: the tampered ciphertext differs`)
    await rejectsWithDecryptionError(t, cipher.decrypt(value, CONTEXT), part)
  }
  t.equal(await cipher.decrypt(ciphertext, CONTEXT), 'alice@example.com', 'the original still decrypts')
})

t.test('a tampered key id is refused even once its data key is cached', async (t) => {
  const cipher = new FieldCipher(providerWith({ k1: randomBytes(32) }, 'k1'), REUSE)
  const ciphertext = await cipher.encrypt('alice@example.com', CONTEXT)
  t.equal(
    await cipher.decrypt(ciphertext, CONTEXT),
    'alice@example.com',
    'the original decrypts (and is cached)',
  )

  const tampered = flipCharacter(ciphertext, 1, 0)
  t.not(keyIdOf(tampered), keyIdOf(ciphertext), 'the key id is changed')
  await rejectsWithDecryptionError(t, cipher.decrypt(tampered, CONTEXT), 'key id after caching')
})

t.test('strings that are not enc1 ciphertexts are refused', async (t) => {
  const cipher = new FieldCipher(providerWith({ k1: randomBytes(32) }, 'k1'), REUSE)
  const valid = await cipher.encrypt('alice@example.com', CONTEXT)
  const notCiphertexts = {
    plaintext: 'alice@example.com',
    empty: '',
    'other version': valid.replace(/^enc1\./, 'enc2.'),
    'four parts': valid.split('.').slice(0, 4).join('.'),
    'six parts': `${valid}.AAAA`,
    'garbage parts': 'enc1.a.b.c.d',
  }
  for (const [label, value] of Object.entries(notCiphertexts)) {
    await rejectsWithDecryptionError(t, cipher.decrypt(value, CONTEXT), label)
  }
})

t.test('master key rotation', async (t) => {
  const k1 = randomBytes(32)
  const k2 = randomBytes(32)
  const before = new FieldCipher(providerWith({ k1 }, 'k1'), REUSE)
  const old = await before.encrypt('alice@example.com', CONTEXT)
  t.equal(keyIdOf(old), 'local:k1', 'the old value records k1')

  const after = new FieldCipher(providerWith({ k1, k2 }, 'k2'), REUSE)
  t.equal(await after.decrypt(old, CONTEXT), 'alice@example.com', 'the rotated cipher decrypts the old value')
  const fresh = await after.encrypt('bob@example.com', CONTEXT)
  t.equal(keyIdOf(fresh), 'local:k2', 'new values record k2')
  t.equal(await after.decrypt(fresh, CONTEXT), 'bob@example.com', 'new values decrypt')

  const withoutK1 = new FieldCipher(providerWith({ k2 }, 'k2'), REUSE)
  await rejectsWithDecryptionError(t, withoutK1.decrypt(old, CONTEXT), 'a provider without k1')
  await rejectsWithDecryptionError(t, before.decrypt(fresh, CONTEXT), 'a provider without k2')

  const wrongK1 = new FieldCipher(providerWith({ k1: randomBytes(32) }, 'k1'), REUSE)
  await rejectsWithDecryptionError(t, wrongK1.decrypt(old, CONTEXT), 'a different key under the id k1')
})

t.test('data key reuse', async (t) => {
  t.test('a data key encrypts at most maxUses values', async (t) => {
    const { provider, cipher } = counting({ maxUses: 3 })
    const ciphertexts: string[] = []
    for (let i = 0; i < 7; i++) ciphertexts.push(await cipher.encrypt(`value ${i}`, CONTEXT))
    t.equal(provider.generateCalls, 3, '7 encryptions with maxUses 3 use 3 data keys')
    const wrapped = ciphertexts.map(wrappedKeyOf)
    t.strictSame(
      wrapped.map((key) => wrapped.indexOf(key)),
      [0, 0, 0, 3, 3, 3, 6],
      'the keys change after every 3 values',
    )
    for (let i = 0; i < 7; i++) {
      t.equal(await cipher.decrypt(ciphertexts[i] as string, CONTEXT), `value ${i}`, `value ${i} decrypts`)
    }
  })

  t.test('a data key is renewed once it is maxAgeMs old', async (t) => {
    let clock = 10_000
    const { provider, cipher } = counting({ maxAgeMs: 1000 }, () => clock)
    const first = await cipher.encrypt('a', CONTEXT)
    clock += 999
    const second = await cipher.encrypt('b', CONTEXT)
    t.equal(provider.generateCalls, 1, 'still one data key just before maxAgeMs')
    t.equal(wrappedKeyOf(second), wrappedKeyOf(first), 'the same data key is reused')
    clock += 1
    const third = await cipher.encrypt('c', CONTEXT)
    t.equal(provider.generateCalls, 2, 'a new data key at maxAgeMs')
    t.not(wrappedKeyOf(third), wrappedKeyOf(first), 'the new value uses the new data key')
    clock += 500
    const fourth = await cipher.encrypt('d', CONTEXT)
    t.equal(provider.generateCalls, 2, 'the age counts from the new key')
    t.equal(wrappedKeyOf(fourth), wrappedKeyOf(third), 'the new data key is reused')
  })

  t.test('parallel encryptions share one data key', async (t) => {
    const { provider, cipher } = counting({ maxUses: 1000 })
    const values = Array.from({ length: 50 }, (_, i) => `parallel ${i}`)
    const ciphertexts = await Promise.all(values.map((value) => cipher.encrypt(value, CONTEXT)))
    t.equal(provider.generateCalls, 1, '50 parallel encryptions generate exactly one data key')
    t.equal(new Set(ciphertexts.map(wrappedKeyOf)).size, 1, 'all carry the same wrapped key')
    const decrypted = await Promise.all(ciphertexts.map((value) => cipher.decrypt(value, CONTEXT)))
    t.strictSame(decrypted, values, 'every value decrypts')
  })

  t.test('parallel encryptions beyond maxUses renew the key without overusing it', async (t) => {
    const { provider, cipher } = counting({ maxUses: 10 })
    const ciphertexts = await Promise.all(
      Array.from({ length: 25 }, (_, i) => cipher.encrypt(`parallel ${i}`, CONTEXT)),
    )
    t.equal(provider.generateCalls, 3, '25 parallel encryptions with maxUses 10 use 3 data keys')
    const uses = new Map<string, number>()
    for (const key of ciphertexts.map(wrappedKeyOf)) uses.set(key, (uses.get(key) ?? 0) + 1)
    t.strictSame(
      [...uses.values()].sort((a, b) => a - b),
      [5, 10, 10],
      'no key encrypts more than 10',
    )
  })

  t.test('a failure to generate a data key is not cached', async (t) => {
    const { provider, cipher } = counting()
    provider.failNextGenerate = true
    await t.rejects(
      cipher.encrypt('a', CONTEXT),
      { message: 'key service unavailable' },
      'that encrypt rejects',
    )
    const ciphertext = await cipher.encrypt('b', CONTEXT)
    t.equal(provider.generateCalls, 2, 'the next encrypt asks for a new data key')
    t.equal(await cipher.decrypt(ciphertext, CONTEXT), 'b', 'and its value decrypts')
  })
})

t.test('unwrapped data keys are cached', async (t) => {
  t.test('values under one data key unwrap it once', async (t) => {
    const { provider, cipher } = counting()
    const ciphertexts: string[] = []
    for (let i = 0; i < 10; i++) ciphertexts.push(await cipher.encrypt(`value ${i}`, CONTEXT))
    t.equal(provider.generateCalls, 1, 'one data key for all 10 values')
    for (let i = 0; i < 10; i++) {
      t.equal(await cipher.decrypt(ciphertexts[i] as string, CONTEXT), `value ${i}`)
    }
    t.equal(provider.unwrapCalls, 1, 'the data key is unwrapped once for 10 decryptions')
  })

  t.test('the cache holds at most maxCachedKeys keys', async (t) => {
    const { provider, cipher } = counting({ maxUses: 1, maxCachedKeys: 2 })
    const ciphertexts = [
      await cipher.encrypt('a', CONTEXT),
      await cipher.encrypt('b', CONTEXT),
      await cipher.encrypt('c', CONTEXT),
    ]
    t.equal(new Set(ciphertexts.map(wrappedKeyOf)).size, 3, 'three different data keys')
    for (const ciphertext of ciphertexts) await cipher.decrypt(ciphertext, CONTEXT)
    t.equal(provider.unwrapCalls, 3, 'each data key is unwrapped once')
    t.strictSame(
      await Promise.all(ciphertexts.map((ciphertext) => cipher.decrypt(ciphertext, CONTEXT))),
      ['a', 'b', 'c'],
      'all three decrypt again',
    )
    t.ok(provider.unwrapCalls > 3, `keys were evicted and unwrapped again (${provider.unwrapCalls} calls)`)
  })

  t.test('control: a cache large enough keeps all three', async (t) => {
    const { provider, cipher } = counting({ maxUses: 1, maxCachedKeys: 3 })
    const ciphertexts = [
      await cipher.encrypt('a', CONTEXT),
      await cipher.encrypt('b', CONTEXT),
      await cipher.encrypt('c', CONTEXT),
    ]
    for (const ciphertext of ciphertexts) await cipher.decrypt(ciphertext, CONTEXT)
    for (const ciphertext of ciphertexts) await cipher.decrypt(ciphertext, CONTEXT)
    t.equal(provider.unwrapCalls, 3, 'no data key is unwrapped twice')
  })
})

t.test('LocalKeyProvider', async (t) => {
  const valid = providerWith({ k1: randomBytes(32) }, 'k1')
  t.equal(valid.currentKeyId, 'local:k1', 'a 32-byte key is accepted and named local:<id>')
  t.throws(() => providerWith({ k1: randomBytes(16) }, 'k1'), Error, 'a 16-byte master key is refused')
  t.throws(() => providerWith({ k1: randomBytes(33) }, 'k1'), Error, 'a 33-byte master key is refused')
  t.throws(
    () => providerWith({ k1: randomBytes(32), k2: randomBytes(31) }, 'k1'),
    Error,
    'a short key that is not current is refused too',
  )
  t.throws(() => providerWith({ k1: randomBytes(32) }, 'k2'), Error, 'a current id not configured is refused')
})

t.test('parseMasterKeys', async (t) => {
  const a = randomBytes(32)
  const b = randomBytes(32)
  const keys = parseMasterKeys(`a:${a.toString('base64')},b:${b.toString('base64')}`)
  t.strictSame([...keys.keys()], ['a', 'b'], 'both ids')
  t.ok(keys.get('a')?.equals(a), 'a decodes to its bytes')
  t.ok(keys.get('b')?.equals(b), 'b decodes to its bytes')
  t.ok(
    parseMasterKeys(` a:${a.toString('base64')} , `)
      .get('a')
      ?.equals(a),
    'blanks and empty entries are ignored',
  )
  t.throws(() => parseMasterKeys(a.toString('base64')), Error, 'an entry without id: is refused')
  t.throws(() => parseMasterKeys(`:${a.toString('base64')}`), Error, 'an entry with an empty id is refused')
  t.throws(
    () => parseMasterKeys(`a:${a.toString('base64')},${b.toString('base64')}`),
    Error,
    'one entry without id: among valid ones is refused',
  )

  const provider = new LocalKeyProvider(keys, 'b')
  const cipher = new FieldCipher(provider, REUSE)
  t.equal(
    await cipher.decrypt(await cipher.encrypt('x', CONTEXT), CONTEXT),
    'x',
    'parsed keys work as master keys',
  )
})
