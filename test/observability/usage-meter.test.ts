// The usage meter alone (no network): counts by tenant and hour, batches handed out and settled.
import t from 'tap'
import { UsageMeter } from '../../src/observability/usage-meter.js'

const HOUR_MS = 3_600_000
const tag = (tenantId: string, model = 'group') => ({ tenantId, model })
const countsOf = (batch: { counts: Map<string, number> } | undefined) =>
  Object.fromEntries(batch?.counts ?? [])

t.test('counts by tenant and by hour; an hour that ends before a flush keeps its own batch', async (t) => {
  let now = 10 * HOUR_MS + 59 * 60_000
  const meter = new UsageMeter(() => now)
  meter.addCapacity(tag('acme'), 'read', 0.5)
  meter.addCapacity(tag('acme'), 'read', 1)
  meter.addCapacity(tag('acme', 'audit_entry'), 'write', 2)
  meter.addItemsWritten('acme', 2)
  meter.addRequest('acme', 'GET', '/v2/groups/:id', '2xx')
  meter.addRequest('globex', 'POST', '/v2/groups', '4xx')
  now += 2 * 60_000
  meter.addRequest('acme', 'GET', '/v2/groups/:id', '2xx')
  meter.addCapacity(tag('acme'), 'read', 0)

  const batches = meter.takeBatches()
  const find = (tenantId: string, hour: number) =>
    batches.find((batch) => batch.tenantId === tenantId && batch.hour === hour)
  t.equal(batches.length, 3)
  t.strictSame(countsOf(find('acme', 36_000)), {
    'rcu#group': 1.5,
    'wcu#audit_entry': 2,
    items_written: 2,
    'req#GET /v2/groups/:id#2xx': 1,
  })
  t.strictSame(countsOf(find('globex', 36_000)), { 'req#POST /v2/groups#4xx': 1 })
  t.strictSame(countsOf(find('acme', 39_600)), { 'req#GET /v2/groups/:id#2xx': 1 }, 'the next hour')
  t.equal(new Set(batches.map((batch) => batch.sequence)).size, 3, 'each batch has its own sequence')
})

t.test('an unsettled batch is handed out again, unchanged; counts made meanwhile wait for it', async (t) => {
  const meter = new UsageMeter(() => 5 * HOUR_MS)
  meter.addRequest('acme', 'GET', '/v2/groups', '2xx')
  const [first] = meter.takeBatches()
  meter.addRequest('acme', 'GET', '/v2/groups', '2xx')
  meter.addRequest('acme', 'GET', '/v2/groups', '2xx')
  const again = meter.takeBatches()
  t.equal(again.length, 1)
  t.equal(again[0], first, 'the same batch, sequence and counts')
  t.strictSame(countsOf(again[0]), { 'req#GET /v2/groups#2xx': 1 })
  t.ok(meter.pending)

  meter.settle(first as NonNullable<typeof first>)
  const [next] = meter.takeBatches()
  t.ok(next && first && next.sequence > first.sequence, 'a later batch has a higher sequence')
  t.strictSame(countsOf(next), { 'req#GET /v2/groups#2xx': 2 }, 'then the counts made meanwhile')
  meter.settle(next as NonNullable<typeof next>)
  t.notOk(meter.pending, 'nothing left')
  t.strictSame(meter.takeBatches(), [])
})
