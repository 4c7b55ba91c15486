import t from 'tap'
import { z } from 'zod'
import { createdRangeParameters } from '../../../src/http/schemas/list-query.js'
import { EXAMPLE_ID, idParams, resourceShapes } from '../../../src/http/schemas/resource-schemas.js'
import { buildKey, type IndexDefinitions, TenantModel, tenantKey } from '../../../src/models/index.js'
import { defineResource } from '../../../src/resources/define-resource.js'
import { createdTimeList } from '../../../src/services/resource-lists.js'

class Gadget extends TenantModel {
  static readonly modelVersion = 1
  static readonly fields = ['tenantId', 'userId', 'label', 'size'] as const
  static readonly indexes = {
    primary: { pk: (g) => tenantKey(g.tenantId, ['gadget', g.id]), sk: (g) => buildKey(['gadget', g.id]) },
  } satisfies IndexDefinitions<Gadget>
  label = ''
  size: string | null = null
}

const shapes = resourceShapes({
  name: 'WorkGadget',
  path: '/work-gadgets',
  input: { label: z.string().min(1).max(50), size: z.enum(['s', 'm', 'l']).nullable().optional() },
  output: { label: z.string(), size: z.enum(['s', 'm', 'l']).nullable() },
  example: { label: 'Lamp', size: 'm' },
  listParameters: { ...createdRangeParameters },
  batchMax: 10,
})
const { create, update, params, item, listed, listQuery, batch } = shapes.schemas
const ITEM = {
  id: EXAMPLE_ID,
  tenantId: 'acme',
  userId: 'alice',
  label: 'Lamp',
  size: 'm',
  version: 1,
  createdUtc: '2024-01-15T10:00:00.000Z',
  updatedUtc: '2024-01-15T10:00:00.000Z',
}

t.test('the create body takes the input fields and nothing else', async (t) => {
  t.ok(create.safeParse({ label: 'Lamp' }).success)
  t.notOk(create.safeParse({}).success, 'a required field is missing')
  t.notOk(create.safeParse({ label: 'Lamp', tenantId: 'globex' }).success, 'an unknown field')
  t.notOk(create.safeParse({ label: 'x'.repeat(51) }).success, 'the input schema’s own checks apply')
  t.strictSame(z.globalRegistry.get(create), {
    id: 'CreateWorkGadget',
    examples: [{ label: 'Lamp', size: 'm' }],
  })
})

t.test('an update takes any of the input fields, at least one', async (t) => {
  t.ok(update.safeParse({ size: null }).success)
  t.notOk(update.safeParse({}).success)
  t.notOk(update.safeParse({ id: EXAMPLE_ID }).success)
  t.match(z.globalRegistry.get(update), { id: 'UpdateWorkGadget', examples: [{ label: 'Lamp' }] })
})

t.test('path ids are opaque: [A-Za-z0-9_-]{1,64}', async (t) => {
  t.equal(params, idParams, 'the parameters whose malformed ids the routes answer 404')
  for (const id of [EXAMPLE_ID, EXAMPLE_ID.toLowerCase(), 'not-a-ulid', 'a', 'A_b-9'.repeat(12).slice(0, 64)])
    t.ok(params.safeParse({ id }).success, id)
  for (const id of ['', 'a#b', 'a b', 'a.b', 'é', 'a\n', 'i'.repeat(65)])
    t.notOk(params.safeParse({ id }).success, JSON.stringify(id))
})

t.test('an item shows the base fields around the output fields; a listed one any of them', async (t) => {
  t.strictSame(Object.keys((item as z.ZodObject).shape), Object.keys(ITEM))
  t.ok(item.safeParse(ITEM).success)
  t.strictSame(z.globalRegistry.get(item), { id: 'WorkGadget', examples: [ITEM] })
  t.ok(listed.safeParse({ id: EXAMPLE_ID }).success)
  t.notOk(listed.safeParse({ id: EXAMPLE_ID, secret: 1 }).success)
  t.match(z.globalRegistry.get(listed), { id: 'ListedWorkGadget', description: /^a work gadget;/ })
})

t.test(
  'a list query: a page, a projection over the item’s fields, and the resource’s parameters',
  async (t) => {
    t.match(listQuery.parse({}), { limit: 25, order: 'desc' })
    t.match(listQuery.parse({ limit: '5', fields: 'label, id,label', createdFrom: '1700000000' }), {
      limit: 5,
      fields: ['label', 'id'],
      createdFrom: 1_700_000_000,
    })
    for (const query of [
      { fields: 'secret' },
      { limit: '0' },
      { limit: '101' },
      { cursor: '' },
      { other: 'x' },
    ])
      t.notOk(listQuery.safeParse(query).success, JSON.stringify(query))
  },
)

t.test('a batch: a body of checked items, its outcomes, its limits', async (t) => {
  if (!batch) throw new Error('no batch')
  const parsed = batch.body.parse({ items: [{ label: 'Lamp' }, { label: 5 }] })
  t.match(parsed.items, [{ valid: true }, { valid: false, details: [{ field: 'label' }] }])
  t.notOk(batch.body.safeParse({ items: Array.from({ length: 11 }, () => ({ label: 'x' })) }).success)
  t.match(z.globalRegistry.get(batch.body), { id: 'CreateWorkGadgetBatch' })
  t.match(z.globalRegistry.get(batch.outcomes), { id: 'WorkGadgetBatchOutcomes' })
  t.equal(shapes.batch?.max, 10)
  t.ok((shapes.batch?.bodyLimitBytes ?? 0) > 10 * 50, 'room for ten of the largest items')
})

t.test('the presenter shows every field, or those a list names, and owners as subjects', async (t) => {
  const gadget = Object.assign(new Gadget(), { ...ITEM, userId: '%42ob' })
  t.strictSame(shapes.present(gadget), { ...ITEM, userId: 'Bob' })
  t.strictSame(shapes.present(gadget, ['id', 'size']), { id: EXAMPLE_ID, size: 'm' })
})

t.test('a declaration spreads the shapes in', async (t) => {
  const declared = defineResource({
    model: Gadget,
    path: '/work-gadgets',
    noun: 'work gadget',
    ...shapes,
    access: { read: () => true, write: () => true, writeRefusal: 'no' },
    create: (gadget, input) => Object.assign(gadget, input),
    update: (gadget, changes) => Object.assign(gadget, changes),
    pickList: (query) => ({
      list: createdTimeList<Gadget, typeof query>('gsi3', (context) => ({ tenantId: context.tenantId })),
      params: query,
    }),
    versions: { v1: [], v2: [] },
    docs: { create: 'c', read: 'r', update: 'u', delete: 'd', list: { summary: 'l', response: 'p' } },
  })
  t.equal(declared.schemas.create, create)
})
