// What the runner plans for one stored item, without a network.
import t from 'tap'
import { type Plan, planItem } from '../../../src/ops/migrate/index.js'
import { modelsByName } from '../../../src/ops/migrate/plan.js'
import { VERSIONED_MODELS } from '../../helpers/migration.js'
import { v1Item } from '../../helpers/versioned-group.js'

const models = modelsByName(VERSIONED_MODELS)
const v1 = v1Item({ tenantId: 'acme', userId: 'alice', id: 'G1', name: 'Club', type: 'reading' })
const migrated = (plan: Plan) => (plan.kind === 'migrate' ? plan.item : {})

t.test('a deleted item stays deleted, even one whose deleted_utc is null', async (t) => {
  for (const deletedUtc of ['2025-01-01T00:00:00.000Z', null]) {
    const item = migrated(planItem(models, { ...v1, deleted_utc: deletedUtc }))
    t.equal(item.deleted_utc, deletedUtc, String(deletedUtc))
    t.notOk(
      Object.keys(item).some((name) => name.startsWith('gsi')),
      'out of every index',
    )
  }
})

t.test('a TTL the model does not declare is kept', async (t) => {
  t.equal(migrated(planItem(models, { ...v1, expires_at: 1_900_000_000 })).expires_at, 1_900_000_000)
})

t.test(
  'an item whose primary key template changed is not migrated (a put would make a second item)',
  async (t) => {
    t.match(planItem(models, { ...v1, pk: 'tenant#acme#grp#g1' }), { kind: 'failed', reason: /primary key/ })
  },
)

t.test('an item the model cannot read fails with why, not the run', async (t) => {
  t.match(planItem(models, { ...v1, tenant_id: 'Not A Tenant' }), {
    kind: 'failed',
    reason: /not readable as group/,
  })
})

t.test(
  'keys of an index the model no longer has are removed; an item with today’s keys is current',
  async (t) => {
    const current = migrated(planItem(models, v1))
    t.match(planItem(models, current), { kind: 'current' })
    const plan = planItem(models, { ...current, gsi5_pk: 'tenant#acme#old', gsi5_sk: 'x' })
    t.match(plan, { kind: 'migrate', from: 3, to: 3 })
    t.notOk('gsi5_pk' in migrated(plan) || 'gsi5_sk' in migrated(plan))
  },
)
