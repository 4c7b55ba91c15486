// The source table of the import test: groups of several tenants and owners in the Python layout,
// with varied ids, dates, offsets and names, and items of every kind the importer rejects.
import { buildKey } from '../../../src/models/index.js'
import type { RejectReason } from '../../../src/ops/import-python/rejection.js'
import { type PythonGroupFields, pythonGroup, pythonId } from '../../helpers/python-layout.js'

export const TENANTS = ['acme', 'globex', 'initech'] as const
export const OWNERS = ['alice', 'bob', 'Zoë', 'DAVE'] as const
export const TYPES = ['team', 'guild', 'club'] as const
const NAMES = [
  'Platform team',
  'Zoë’s crew',
  '北京 office',
  'naïve café',
  'Ωmega',
  'rocket 🚀 squad',
  'İstanbul',
]
const OFFSETS = [0, 0, 330, -480, 60, -210]
const VISIBILITIES = ['private', 'tenant', 'public'] as const
const START_MICROS = 1_600_000_000_000_000

export interface ExpectedGroup {
  id: string
  tenantId: string
  userId: string
  name: string
  description: string | null
  groupType: string
  icon: string | null
  color: string | null
  privacySettings: { visibility: string }
  version: 1
  createdUtc: string
  updatedUtc: string
}

type Item = Record<string, unknown>

/** `count` importable groups, and what the API should show of each. */
export function pythonGroups(count: number): { items: Item[]; expected: ExpectedGroup[] } {
  const items: Item[] = []
  const expected: ExpectedGroup[] = []
  for (let n = 0; n < count; n++) {
    // Some instants on a whole second (no fraction written), most with microseconds.
    const createdMicros =
      START_MICROS + n * 3_600_123_457 - (n % 7 === 0 ? (n * 3_600_123_457) % 1_000_000 : 0)
    const updatedMicros = createdMicros + (n % 3) * 86_400_000_001
    const fields: PythonGroupFields = {
      id: n % 97 === 0 ? `LEGACY_${n}-Imported` : pythonId(createdMicros),
      tenantId: TENANTS[n % TENANTS.length] as string,
      userId: OWNERS[(n >> 1) % OWNERS.length] as string,
      name: `${NAMES[n % NAMES.length]} ${n}`,
      groupType: TYPES[(n >> 2) % TYPES.length] as string,
      description: n % 4 === 0 ? null : `Group number ${n}`,
      icon: n % 5 === 0 ? 'rocket' : null,
      color: n % 6 === 0 ? '#00ff7f' : null,
      privacySettings: { visibility: VISIBILITIES[n % VISIBILITIES.length] as string },
      createdMicros,
      updatedMicros,
      offsetMinutes: OFFSETS[n % OFFSETS.length] as number,
    }
    items.push(pythonGroup(fields))
    expected.push({
      id: fields.id,
      tenantId: fields.tenantId as string,
      userId: fields.userId,
      name: fields.name as string,
      description: fields.description ?? null,
      groupType: fields.groupType,
      icon: fields.icon ?? null,
      color: (fields.color as string | null) ?? null,
      privacySettings: fields.privacySettings as { visibility: string },
      version: 1,
      createdUtc: new Date(Math.floor(createdMicros / 1000)).toISOString(),
      updatedUtc: new Date(Math.floor(updatedMicros / 1000)).toISOString(),
    })
  }
  return { items, expected }
}

/** Items the importer must reject, each with the reason, by their pk. */
export function pythonRejects(): { items: Item[]; reasons: Map<string, RejectReason> } {
  let n = 0
  const group = (fields: Partial<PythonGroupFields> = {}) =>
    pythonGroup({
      id: `reject-${n++}`,
      tenantId: 'acme',
      userId: 'alice',
      name: 'Rejected',
      groupType: 'team',
      createdMicros: START_MICROS + n * 1_000_001,
      ...fields,
    })
  const edited = (item: Item, changes: Item) => {
    const copy = { ...item, ...changes }
    for (const [name, value] of Object.entries(changes)) if (value === undefined) delete copy[name]
    return copy
  }
  const user = {
    pk: buildKey(['user', 'u-1']),
    sk: buildKey(['user', 'u-1']),
    id: 'u-1',
    tenant_id: 'acme',
    email: 'u1@acme.example',
    model_name: 'user',
    created_utc: '2024-01-15T09:50:00+00:00',
    updated_utc: '2024-01-15T09:50:00+00:00',
  }
  const cases: [Item, RejectReason][] = [
    [user, 'unknown model'],
    [edited(group(), { model_name: 'subscription' }), 'unknown model'],
    [edited(group(), { model_name: undefined }), 'unknown model'],
    [edited(group(), { metadata: { source: 'crm' } }), 'unknown attribute'],
    [group({ id: 'reject.with.dots' }), 'invalid id'],
    [group({ id: `reject-${'x'.repeat(60)}` }), 'invalid id'],
    [group({ tenantId: undefined }), 'no tenant'],
    [group({ tenantId: null }), 'no tenant'],
    [group({ tenantId: 'Acme Corp' }), 'invalid tenant'],
    [edited(group(), { gsi3_sk: 'created#1' }), 'malformed key'],
    [edited(group(), { gsi1_pk: 'group#user#mallory#type#team' }), 'malformed key'],
    [edited(group(), { sk: 'group' }), 'malformed key'],
    [group({ deletedUtc: '2024-02-01T00:00:00.000001+00:00' }), 'deleted'],
    [group({ name: 'n'.repeat(201) }), 'invalid value'],
    [group({ color: `#${'0'.repeat(50)}` }), 'invalid value'],
    [group({ color: 16_711_935 }), 'invalid value'],
    [group({ privacySettings: { visibility: 'secret' } }), 'invalid value'],
    [group({ groupType: 'Book Club' }), 'invalid value'],
    [edited(group(), { created_utc: '2024-01-15T09:50:00' }), 'invalid value'],
  ]
  return {
    items: cases.map(([item]) => item),
    reasons: new Map(cases.map(([item, reason]) => [item.pk as string, reason])),
  }
}
