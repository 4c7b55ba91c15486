import { randomBytes } from 'node:crypto'
import t, { type Test } from 'tap'
import { toItem } from '../../src/models/mapper.js'
import { User } from '../../src/models/user.js'
import { DecryptionError, FieldCipher } from '../../src/security/field-cipher.js'
import { LocalKeyProvider } from '../../src/security/local-key-provider.js'
import { openModel, sealModel } from '../../src/security/model-encryption.js'

const EMAIL = 'alice@example.com'
const PHONE = '+44 20 7946 0958'
const USER_ID = 'auth0|alice'

function newCipher(): FieldCipher {
  const provider = new LocalKeyProvider(new Map([['k1', randomBytes(32)]]), 'k1')
  return new FieldCipher(provider, { maxUses: 1000, maxAgeMs: 60_000, maxCachedKeys: 100 })
}

function sampleUser(fields: Partial<User> = {}): User {
  const user = new User()
  user.tenantId = 'acme'
  user.id = USER_ID
  user.userId = USER_ID
  user.email = EMAIL
  user.phone = PHONE
  user.name = 'Alice Liddell'
  user.roles = ['member']
  return Object.assign(user, fields)
}

async function rejectsWithDecryptionError(t: Test, promise: Promise<unknown>, what: string) {
  const outcome = await promise.then(
    () => ({ resolved: true as const }),
    (error: unknown) => ({ resolved: false as const, error }),
  )
  if (outcome.resolved) {
    t.fail(`${what}: expected DecryptionError, but it opened`)
    return
  }
  t.ok(outcome.error instanceof DecryptionError, `${what}: is a DecryptionError`)
  t.equal((outcome.error as Error | undefined)?.name, 'DecryptionError', `${what}: name is DecryptionError`)
}

t.test('sealModel returns a sealed copy and leaves the original alone', async (t) => {
  const cipher = newCipher()
  const user = sampleUser()
  const sealed = await sealModel(user, cipher)

  t.not(sealed, user, 'a different object')
  t.ok(sealed instanceof User, 'of the same class')
  t.equal(Object.getPrototypeOf(sealed), User.prototype, 'with the User prototype')
  t.equal(user.email, EMAIL, 'the original keeps its plaintext email')
  t.equal(user.phone, PHONE, 'the original keeps its plaintext phone')

  for (const field of ['email', 'phone'] as const) {
    const value = sealed[field] as string
    t.ok(value.startsWith('enc1.'), `${field} is a ciphertext`)
    t.notOk(value.includes(user[field] as string), `${field} does not contain the plaintext`)
  }
  t.equal(sealed.name, 'Alice Liddell', 'name is not encrypted')
  t.equal(sealed.tenantId, 'acme', 'tenantId is kept')
  t.equal(sealed.id, USER_ID, 'id is kept')
  t.strictSame(sealed.roles, ['member'], 'roles are kept')

  t.equal(
    await cipher.decrypt(sealed.email, { tenantId: 'acme', model: 'user', field: 'email', itemId: USER_ID }),
    EMAIL,
    'the email is bound to tenant, model user, field email and the user id',
  )
})

t.test('a null phone stays null', async (t) => {
  const cipher = newCipher()
  const sealed = await sealModel(sampleUser({ phone: null }), cipher)
  t.equal(sealed.phone, null, 'sealed phone is null')
  t.ok(sealed.email.startsWith('enc1.'), 'the email is still sealed')
  const opened = await openModel(sealed, cipher)
  t.equal(opened.phone, null, 'opened phone is null')
  t.equal(opened.email, EMAIL, 'opened email is the plaintext')
})

t.test('openModel restores the plaintext', async (t) => {
  const cipher = newCipher()
  const sealed = await sealModel(sampleUser(), cipher)
  const opened = await openModel(sealed, cipher)
  t.equal(opened.email, EMAIL, 'email')
  t.equal(opened.phone, PHONE, 'phone')
  t.equal(opened.name, 'Alice Liddell', 'name')
})

t.test('openModel works with another cipher on the same master key', async (t) => {
  const provider = new LocalKeyProvider(new Map([['k1', randomBytes(32)]]), 'k1')
  const reuse = { maxUses: 1000, maxAgeMs: 60_000, maxCachedKeys: 100 }
  const sealed = await sealModel(sampleUser(), new FieldCipher(provider, reuse))
  const opened = await openModel(sealed, new FieldCipher(provider, reuse))
  t.equal(opened.email, EMAIL)
  t.equal(opened.phone, PHONE)
})

t.test('a sealed value moved elsewhere does not open', async (t) => {
  const cipher = newCipher()
  const sealed = await sealModel(sampleUser(), cipher)

  const otherUser = sampleUser({ id: 'auth0|bob', userId: 'auth0|bob', email: sealed.email, phone: null })
  await rejectsWithDecryptionError(t, openModel(otherUser, cipher), 'email moved to another user')

  const otherTenant = sampleUser({ tenantId: 'globex', email: sealed.email, phone: null })
  await rejectsWithDecryptionError(t, openModel(otherTenant, cipher), 'email moved to another tenant')

  const swapped = sampleUser({ email: sealed.phone as string, phone: sealed.email })
  await rejectsWithDecryptionError(t, openModel(swapped, cipher), 'email and phone swapped')

  const intact = sampleUser({ email: sealed.email, phone: sealed.phone })
  t.equal((await openModel(intact, cipher)).email, EMAIL, 'control: copied into the same user it opens')
})

t.test('the item of a sealed user holds no plaintext email or phone', async (t) => {
  const cipher = newCipher()
  const sealed = await sealModel(sampleUser(), cipher)
  const item = toItem(sealed)
  const json = JSON.stringify(item)

  t.equal(item.email, sealed.email, 'the item stores the email ciphertext')
  t.equal(item.phone, sealed.phone, 'the item stores the phone ciphertext')
  for (const plaintext of [EMAIL, 'alice@', PHONE, PHONE.replace(/\s/g, '')]) {
    t.notOk(
      json.toLowerCase().includes(plaintext.toLowerCase()),
      `${JSON.stringify(plaintext)} appears nowhere`,
    )
  }
  t.ok(json.includes('Alice Liddell'), 'control: the unencrypted name is in the item')
  t.ok(
    JSON.stringify(toItem(sampleUser())).includes(EMAIL),
    'control: an unsealed user item does hold the email',
  )
})
