import t from 'tap'
import {
  fromItem,
  Group,
  type IndexDefinitions,
  keyOf,
  Model,
  type ModelClass,
  modelNameOf,
  primaryKeyOf,
  toItem,
} from '../../src/models/index.js'

const ID = '01HM4ZB3Q5X7K9N2P4R6T8V0WY'
const id = ID.toLowerCase()

function sampleGroup(): Group {
  const group = new Group()
  group.id = ID
  group.modelVersion = 1
  group.createdUtc = '2024-01-15T09:50:00.000Z'
  group.updatedUtc = '2024-01-16T10:00:00.000Z'
  group.version = 3
  group.tenantId = 'acme'
  group.userId = 'alice'
  group.name = 'Book Club'
  group.description = 'We read'
  group.groupType = 'reading'
  group.icon = 'book'
  group.color = '#ff0000'
  group.privacySettings = { visibility: 'tenant' }
  return group
}

t.test('toItem writes snake_case attributes, model_name and every index key', async (t) => {
  t.strictSame(toItem(sampleGroup()), {
    pk: `tenant#acme#group#${id}`,
    sk: `group#${id}`,
    gsi1_pk: 'tenant#acme#user#alice#group#type#reading',
    gsi1_sk: `name#book club#id#${id}`,
    gsi2_pk: 'tenant#acme#group#type#reading',
    gsi2_sk: `name#book club#id#${id}`,
    gsi3_pk: 'tenant#acme#group',
    gsi3_sk: `created#1705312200#id#${id}`,
    model_name: 'group',
    id: ID,
    model_version: 1,
    created_utc: '2024-01-15T09:50:00.000Z',
    updated_utc: '2024-01-16T10:00:00.000Z',
    version: 3,
    tenant_id: 'acme',
    user_id: 'alice',
    name: 'Book Club',
    description: 'We read',
    group_type: 'reading',
    icon: 'book',
    color: '#ff0000',
    privacy_settings: { visibility: 'tenant' },
  })
})

t.test('toItem has a key pair for every index the model defines', async (t) => {
  const item = toItem(sampleGroup())
  for (const index of Object.keys(Group.indexes)) {
    const [pk, sk] = index === 'primary' ? ['pk', 'sk'] : [`${index}_pk`, `${index}_sk`]
    t.type(item[pk as string], 'string', `${index} pk`)
    t.type(item[sk as string], 'string', `${index} sk`)
  }
  t.same(Object.keys(Group.indexes).sort(), ['gsi1', 'gsi2', 'gsi3', 'primary'])
})

t.test('toItem leaves null and undefined fields out of the item', async (t) => {
  const group = sampleGroup()
  group.description = null
  group.color = null
  ;(group as unknown as { icon: undefined }).icon = undefined
  group.deletedUtc = null
  const item = toItem(group)
  for (const attribute of ['description', 'color', 'icon', 'deleted_utc']) {
    t.notOk(Object.hasOwn(item, attribute), `${attribute} is absent`)
  }
  t.equal(item.name, 'Book Club', 'other fields are still there')
})

t.test('toItem keeps falsy values that are not null or undefined', async (t) => {
  const group = sampleGroup()
  group.description = ''
  group.version = 0
  const item = toItem(group)
  t.equal(item.description, '')
  t.equal(item.version, 0)
})

t.test('toItem writes a set deletedUtc as deleted_utc', async (t) => {
  const group = sampleGroup()
  group.deletedUtc = '2024-02-01T00:00:00.000Z'
  t.equal(toItem(group).deleted_utc, '2024-02-01T00:00:00.000Z')
})

t.test('nested objects are converted key by key in both directions', async (t) => {
  const group = sampleGroup()
  ;(group as unknown as { privacySettings: unknown }).privacySettings = {
    visibility: 'public',
    allowedRoles: ['tenantAdmin'],
    innerSettings: { showMembers: true },
  }
  const item = toItem(group)
  t.strictSame(item.privacy_settings, {
    visibility: 'public',
    allowed_roles: ['tenantAdmin'],
    inner_settings: { show_members: true },
  })
  t.notOk(Object.hasOwn(item, 'privacySettings'), 'no camelCase attribute')
  const back = fromItem(Group, item)
  t.strictSame(back.privacySettings, {
    visibility: 'public',
    allowedRoles: ['tenantAdmin'],
    innerSettings: { showMembers: true },
  })
})

t.test('fromItem reads privacy_settings into privacySettings', async (t) => {
  const group = fromItem(Group, {
    id: ID,
    tenant_id: 'acme',
    privacy_settings: { visibility: 'public' },
  })
  t.strictSame(group.privacySettings, { visibility: 'public' })
  t.equal(group.tenantId, 'acme')
})

t.test('fromItem returns a Group and ignores attributes the model does not declare', async (t) => {
  const item = {
    ...toItem(sampleGroup()),
    unknown_attribute: 'x',
    expires_at: 1_800_000_000,
    somethingCamel: 'y',
  }
  const group = fromItem(Group, item)
  t.ok(group instanceof Group)
  const keys = Object.keys(group)
  for (const absent of [
    'pk',
    'sk',
    'gsi1_pk',
    'gsi3_sk',
    'model_name',
    'modelName',
    'unknown_attribute',
    'unknownAttribute',
    'expires_at',
    'expiresAt',
    'somethingCamel',
  ]) {
    t.notOk(keys.includes(absent), `${absent} is not on the model`)
  }
  t.same(keys.sort(), [...Object.keys(new Group())].sort(), 'exactly the declared fields')
})

t.test('fromItem keeps defaults for attributes the item lacks', async (t) => {
  const group = fromItem(Group, { id: ID, name: 'Only a name' })
  t.equal(group.name, 'Only a name')
  t.equal(group.description, null)
  t.equal(group.groupType, '')
  t.strictSame(group.privacySettings, { visibility: 'private' })
  t.equal(group.deletedUtc, null)
})

t.test('toItem then fromItem gives back an equal model', async (t) => {
  const group = sampleGroup()
  t.strictSame(fromItem(Group, toItem(group)), group)

  const sparse = sampleGroup()
  sparse.description = null
  sparse.icon = null
  sparse.color = null
  t.strictSame(fromItem(Group, toItem(sparse)), sparse, 'null fields come back as null')

  const deleted = sampleGroup()
  deleted.deletedUtc = '2024-02-01T00:00:00.000Z'
  t.strictSame(fromItem(Group, toItem(deleted)), deleted)
})

t.test('primaryKeyOf is the pk/sk that toItem stores', async (t) => {
  const group = sampleGroup()
  const item = toItem(group)
  t.strictSame(primaryKeyOf(group), { pk: item.pk, sk: item.sk })
  t.strictSame(primaryKeyOf(group), { pk: `tenant#acme#group#${id}`, sk: `group#${id}` })
})

t.test('keyOf builds one index key from just the fields it needs', async (t) => {
  const group = sampleGroup()
  t.strictSame(keyOf(Group, 'primary', { tenantId: 'acme', id: ID }), primaryKeyOf(group))
  t.equal(
    keyOf(Group, 'gsi2', { tenantId: 'acme', groupType: 'reading' }).pk,
    'tenant#acme#group#type#reading',
  )
  t.equal(
    keyOf(Group, 'gsi1', { tenantId: 'acme', userId: 'alice', groupType: 'reading' }).pk,
    'tenant#acme#user#alice#group#type#reading',
  )
  t.equal(keyOf(Group, 'gsi3', { tenantId: 'globex' }).pk, 'tenant#globex#group')
  const item = toItem(group)
  t.strictSame(keyOf(Group, 'gsi3', group), { pk: item.gsi3_pk, sk: item.gsi3_sk })
})

t.test('keyOf takes the defaults of a new model for every field it is not given', async (t) => {
  const given = { tenantId: 'acme', userId: 'alice', groupType: 'reading', name: 'X', id: ID }
  const expected = (fields: Partial<Group>) => {
    const model = Object.assign(new Group(), fields)
    return { pk: Group.indexes.gsi1.pk(model), sk: Group.indexes.gsi1.sk(model) }
  }
  t.strictSame(keyOf(Group, 'gsi1', given), expected(given))
  // Nothing of the earlier call stays behind.
  t.strictSame(keyOf(Group, 'gsi1', { tenantId: 'globex' }), expected({ tenantId: 'globex' }))
  t.equal(keyOf(Group, 'gsi1', { tenantId: 'globex' }).pk, 'tenant#globex#user#group#type')
})

t.test('keyOf refuses an index the model does not have and a bad tenant id', async (t) => {
  t.throws(() => keyOf(Group, 'gsi4', { tenantId: 'acme' }))
  t.throws(() => keyOf(Group, 'primary', { tenantId: 'ACME', id: ID }))
  t.throws(() => keyOf(Group, 'primary', { tenantId: 'a#b', id: ID }))
})

class UserProfile extends Model {
  static readonly modelVersion = 1
  static readonly fields = ['displayName'] as const
  static readonly indexes = {
    primary: { pk: (p) => `profile#${p.id}`, sk: () => 'profile' },
  } satisfies IndexDefinitions<UserProfile>
  displayName = ''
}

t.test('modelNameOf is the snake_case class name', async (t) => {
  t.equal(modelNameOf(Group as unknown as ModelClass), 'group')
  t.equal(modelNameOf(UserProfile as unknown as ModelClass), 'user_profile')
})

t.test('the model name written by toItem follows the class', async (t) => {
  const profile = new UserProfile()
  profile.id = 'P1'
  profile.displayName = 'Alice'
  t.strictSame(toItem(profile), {
    pk: 'profile#P1',
    sk: 'profile',
    model_name: 'user_profile',
    id: 'P1',
    model_version: 1,
    created_utc: '',
    updated_utc: '',
    version: 0,
    display_name: 'Alice',
  })
  t.equal(fromItem(UserProfile, toItem(profile)).displayName, 'Alice')
})

// Field names that are awkward in generated code: quotes, a backslash, a line separator, a name
// that is also an Object.prototype member.
class OddNames extends Model {
  static readonly modelVersion = 1
  static readonly fields = ['say"hi"', "it's", 'back\\slash', 'line\u2028sep', 'toString'] as const
  static readonly indexes = {
    primary: { pk: (o) => `odd#${o.id}`, sk: () => 'odd' },
  } satisfies IndexDefinitions<OddNames>
  'say"hi"' = 'a'
  "it's": string | null = null
  'back\\slash' = { innerName: 1 }
  'line\u2028sep' = 'b'
  override toString = (() => 'c') as unknown as () => string
}

t.test('toItem writes attributes in a fixed order: index keys, model_name, then the fields', async (t) => {
  t.strictSame(Object.keys(toItem(sampleGroup())), [
    ...['pk', 'sk', 'gsi1_pk', 'gsi1_sk', 'gsi2_pk', 'gsi2_sk', 'gsi3_pk', 'gsi3_sk'],
    'model_name',
    ...['id', 'model_version', 'created_utc', 'updated_utc', 'version', 'tenant_id', 'user_id'],
    ...['name', 'description', 'group_type', 'icon', 'color', 'privacy_settings'],
  ])
  const odd = new OddNames()
  odd.id = 'O1'
  const item = toItem(odd)
  t.strictSame(Object.keys(item), [
    ...['pk', 'sk', 'model_name', 'id', 'model_version', 'created_utc', 'updated_utc', 'version'],
    ...['say"hi"', 'back\\slash', 'line\u2028sep', 'to_string'],
  ])
  t.equal(item['say"hi"'], 'a')
  t.strictSame(item['back\\slash'], { inner_name: 1 })
  t.equal(item['line\u2028sep'], 'b')
  t.equal(typeof item.to_string, 'function')
})
