import t from 'tap'
import { Group, type IndexDefinition, tenantKeyPrefix, toItem, unixSeconds } from '../../src/models/index.js'

const ID = '01HM4ZB3Q5X7K9N2P4R6T8V0WY'
const id = ID.toLowerCase()

function groupOf(fields: Partial<Group>): Group {
  const group = new Group()
  group.id = ID
  group.createdUtc = '2024-01-15T09:50:00.000Z'
  group.updatedUtc = '2024-01-15T09:50:00.000Z'
  group.userId = 'alice'
  group.name = 'Book Club'
  group.groupType = 'reading'
  return Object.assign(group, fields)
}

const indexes = Object.entries(Group.indexes) as [string, IndexDefinition<Group>][]

t.test('Group has the primary index and gsi1..gsi3', async (t) => {
  t.same(indexes.map(([name]) => name).sort(), ['gsi1', 'gsi2', 'gsi3', 'primary'])
})

t.test('every partition key of every index starts with tenant#<tenantId>#', async (t) => {
  const variants: Partial<Group>[] = [
    {},
    { groupType: '' },
    { userId: '' },
    { name: '' },
    { id: '' },
    { userId: 'tenant#other', groupType: 'x' },
  ]
  for (const tenantId of ['acme', 'a', 'globex-2', 'x_y', '0', 'z'.repeat(64)]) {
    for (const variant of variants) {
      const group = groupOf({ ...variant, tenantId })
      for (const [name, definition] of indexes) {
        const pk = definition.pk(group)
        t.ok(pk.startsWith(`tenant#${tenantId}#`), `${name} pk ${pk} of tenant ${tenantId}`)
        t.ok(pk.startsWith(tenantKeyPrefix(tenantId)), `${name} pk matches tenantKeyPrefix`)
      }
    }
  }
})

t.test('the stored item carries the tenant prefix on every *pk attribute', async (t) => {
  const item = toItem(groupOf({ tenantId: 'acme' }))
  const pkAttributes = Object.keys(item).filter((name) => name === 'pk' || name.endsWith('_pk'))
  t.same(pkAttributes.sort(), ['gsi1_pk', 'gsi2_pk', 'gsi3_pk', 'pk'])
  for (const attribute of pkAttributes) {
    t.match(item[attribute], /^tenant#acme#/, attribute)
  }
})

t.test('partition keys as designed', async (t) => {
  const group = groupOf({ tenantId: 'acme', userId: 'Alice', groupType: 'Reading' })
  const { primary, gsi1, gsi2, gsi3 } = Group.indexes
  t.equal(primary.pk(group), `tenant#acme#group#${id}`)
  t.equal(gsi1.pk(group), 'tenant#acme#user#alice#group#type#reading')
  t.equal(gsi2.pk(group), 'tenant#acme#group#type#reading')
  t.equal(gsi3.pk(group), 'tenant#acme#group')
})

t.test('sort keys as designed', async (t) => {
  const group = groupOf({ tenantId: 'acme', name: 'Book Club' })
  const { primary, gsi1, gsi2, gsi3 } = Group.indexes
  t.equal(primary.sk(group), `group#${id}`)
  t.equal(gsi1.sk(group), `name#book club#id#${id}`)
  t.equal(gsi2.sk(group), `name#book club#id#${id}`)
  t.equal(gsi3.sk(group), `created#1705312200#id#${id}`)
})

t.test('gsi3 sort key is created#<unix seconds>#id#<id lower-cased>', async (t) => {
  const cases: [string, number][] = [
    ['2024-01-15T09:50:00.000Z', 1705312200],
    ['2024-01-15T09:50:00.999Z', 1705312200],
    ['2024-01-15T10:50:00+01:00', 1705312200],
    ['1970-01-01T00:00:01.000Z', 1],
  ]
  for (const [createdUtc, seconds] of cases) {
    const sk = Group.indexes.gsi3.sk(groupOf({ tenantId: 'acme', createdUtc }))
    t.equal(sk, `created#${seconds}#id#${id}`, createdUtc)
    t.match(sk, /^created#\d+#id#[0-9a-z]{26}$/, 'only digits and a lower-case id')
  }
})

t.test('unixSeconds floors to whole seconds', async (t) => {
  t.equal(unixSeconds('2024-01-15T09:50:00.000Z'), 1705312200)
  t.equal(unixSeconds('2024-01-15T09:50:00.999Z'), 1705312200)
  t.equal(unixSeconds('2024-01-15T09:50:01.000Z'), 1705312201)
})

t.test('sort keys end in the id so equal names or seconds still sort the same way', async (t) => {
  const first = groupOf({ tenantId: 'acme', id: '01HM4ZB3Q5X7K9N2P4R6T8V0WA' })
  const second = groupOf({ tenantId: 'acme', id: '01HM4ZB3Q5X7K9N2P4R6T8V0WB' })
  for (const name of ['gsi1', 'gsi2', 'gsi3'] as const) {
    const a = Group.indexes[name].sk(first)
    const b = Group.indexes[name].sk(second)
    t.not(a, b, `${name} sort keys differ`)
    t.ok(a < b, `${name} sorts by id`)
  }
})

t.test('two different tenants never share a partition key', async (t) => {
  // Tenants whose ids are prefixes of each other are the interesting case.
  const tenants = ['acme', 'acme-2', 'acme_2', 'acm', 'a', 'b']
  const owners = new Map<string, string>()
  for (const tenantId of tenants) {
    for (const variant of [{}, { groupType: '' }, { userId: '' }, { groupType: 'other' }]) {
      const group = groupOf({ ...variant, tenantId })
      for (const [name, definition] of indexes) {
        const pk = definition.pk(group)
        const owner = owners.get(pk)
        if (owner !== undefined && owner !== tenantId)
          t.fail(`${name} pk ${pk} shared by ${owner} and ${tenantId}`)
        owners.set(pk, tenantId)
        for (const other of tenants) {
          if (other !== tenantId) t.notOk(pk.startsWith(tenantKeyPrefix(other)), `${pk} not in ${other}`)
        }
      }
    }
  }
  t.ok(owners.size > tenants.length, 'keys were compared')
})

t.test('a tenant id that could break the prefix cannot produce keys', async (t) => {
  for (const tenantId of ['', 'ACME', 'a#b', 'acme#group', ' acme', 'x'.repeat(65)]) {
    const group = groupOf({ tenantId })
    t.throws(() => toItem(group), JSON.stringify(tenantId))
    for (const [name, definition] of indexes) {
      t.throws(() => definition.pk(group), `${name} pk for ${JSON.stringify(tenantId)}`)
    }
  }
})

t.test('a new Group defaults to private visibility and empty names', async (t) => {
  const group = new Group()
  t.strictSame(group.privacySettings, { visibility: 'private' })
  t.equal(group.description, null)
  t.equal(Group.modelVersion, 1)
  t.not(new Group().privacySettings, group.privacySettings, 'defaults are not shared between instances')
})
