import t from 'tap'
import { Group } from '../../../src/models/index.js'
import { mapSourceItem, type SourceItem } from '../../../src/ops/import-python/mapping.js'
import { PYTHON_MAPPINGS } from '../../../src/ops/import-python/mappings.js'
import type { RejectReason } from '../../../src/ops/import-python/rejection.js'
import { pythonGroup } from '../../helpers/python-layout.js'

const ID = '1705312200-123456-72b32a80-b38b-11ee-8000-000000000000'
const CREATED = 1_705_312_200_123_456

const source = (fields: Partial<Parameters<typeof pythonGroup>[0]> = {}) =>
  pythonGroup({
    id: ID,
    tenantId: 'acme',
    userId: 'alice',
    name: 'Platform team',
    groupType: 'team',
    createdMicros: CREATED,
    ...fields,
  })

const map = (item: SourceItem) => mapSourceItem(item, PYTHON_MAPPINGS)

function reasonOf(item: SourceItem): RejectReason | undefined {
  const mapped = map(item)
  return 'rejection' in mapped ? mapped.rejection.reason : undefined
}

t.test('a Python group becomes the group the API would have stored', async (t) => {
  const mapped = map(
    source({
      description: 'Runs the platform',
      color: '#ff00ff',
      icon: 'rocket',
      privacySettings: { visibility: 'tenant' },
      offsetMinutes: 330,
      updatedMicros: CREATED + 86_400_000_000,
    }),
  )
  if (!('model' in mapped)) throw new Error(JSON.stringify(mapped))
  const group = mapped.model as Group
  t.ok(group instanceof Group)
  t.match(group, {
    id: ID,
    tenantId: 'acme',
    userId: 'alice',
    name: 'Platform team',
    groupType: 'team',
    description: 'Runs the platform',
    icon: 'rocket',
    color: '#ff00ff',
    privacySettings: { visibility: 'tenant' },
    createdUtc: '2024-01-15T09:50:00.123Z',
    updatedUtc: '2024-01-16T09:50:00.123Z',
    version: 1,
    modelVersion: Group.modelVersion,
    deletedUtc: null,
  })
})

t.test(
  'as the API would: a missing privacy setting is private, a name is trimmed, an owner is a key form',
  async (t) => {
    const item: Record<string, unknown> = { ...source({ name: '  Zoë’s 北京 team 🚀 ', userId: 'Zoë' }) }
    delete item.privacy_settings
    const mapped = map(item)
    if (!('model' in mapped)) throw new Error(JSON.stringify(mapped))
    t.match(mapped.model, {
      name: 'Zoë’s 北京 team 🚀',
      userId: '%5ao%c3%ab',
      privacySettings: { visibility: 'private' },
    })
  },
)

t.test('each kind of item that cannot be imported is rejected with its reason', async (t) => {
  const withAttributes = (changes: Record<string, unknown>, base: SourceItem = source()) => {
    const item: Record<string, unknown> = { ...base, ...changes }
    for (const [name, value] of Object.entries(changes)) if (value === undefined) delete item[name]
    return item
  }
  const cases: [string, SourceItem, RejectReason][] = [
    ['a user', withAttributes({ model_name: 'user' }), 'unknown model'],
    ['no model name', withAttributes({ model_name: undefined }), 'unknown model'],
    ['an attribute tessera has no place for', withAttributes({ metadata: { a: 1 } }), 'unknown attribute'],
    ['an id with a dot', source({ id: '1705312200.123456' }), 'invalid id'],
    ['an id too long', source({ id: 'a'.repeat(65) }), 'invalid id'],
    ['an id with a blank', source({ id: 'abc def' }), 'invalid id'],
    ['an id that is a number', withAttributes({ id: 42 }), 'invalid id'],
    ['no tenant', source({ tenantId: undefined }), 'no tenant'],
    ['a NULL tenant', source({ tenantId: null }), 'no tenant'],
    ['a tenant with capitals and a blank', source({ tenantId: 'Acme Corp' }), 'invalid tenant'],
    ['a tenant with the key separator', source({ tenantId: 'acme#x' }), 'invalid tenant'],
    ['pk of another id', withAttributes({ pk: 'group#other' }), 'malformed key'],
    ['sk missing', withAttributes({ sk: undefined }), 'malformed key'],
    [
      'gsi3_sk of another second',
      withAttributes({ gsi3_sk: `created#${CREATED / 1e6 + 1}`.split('.')[0] }),
      'malformed key',
    ],
    ['gsi2_pk without the type', withAttributes({ gsi2_pk: 'group#tenant#acme' }), 'malformed key'],
    ['a key of an index the layout lacks', withAttributes({ gsi4_pk: 'x', gsi4_sk: 'y' }), 'malformed key'],
    ['soft deleted', source({ deletedUtc: '2024-02-01T00:00:00+00:00' }), 'deleted'],
    ['a name too long', source({ name: 'n'.repeat(201) }), 'invalid value'],
    ['a blank name', source({ name: '   ' }), 'invalid value'],
    ['a name that is a number', source({ name: 42 }), 'invalid value'],
    ['a color too long', source({ color: `#${'f'.repeat(50)}` }), 'invalid value'],
    ['a color that is a number', source({ color: 0xff00ff }), 'invalid value'],
    ['a group type with capitals', source({ groupType: 'Team' }), 'invalid value'],
    ['an unknown visibility', source({ privacySettings: { visibility: 'secret' } }), 'invalid value'],
    [
      'a privacy setting too many',
      source({ privacySettings: { visibility: 'tenant', invite_only: true } }),
      'invalid value',
    ],
    ['an owner with the key separator', source({ userId: 'al#ice' }), 'invalid value'],
    ['no owner', withAttributes({ user_id: undefined }), 'invalid value'],
    ['a naive date', withAttributes({ created_utc: '2024-01-15T09:50:00.123456' }), 'invalid value'],
    ['no updated date', withAttributes({ updated_utc: undefined }), 'invalid value'],
  ]
  for (const [name, item, reason] of cases) t.equal(reasonOf(item), reason, name)
})
