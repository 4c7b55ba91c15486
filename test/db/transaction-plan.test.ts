import t from 'tap'
import { ChangeWriter } from '../../src/db/change-writer.js'
import type { TableGateway } from '../../src/db/table-gateway.js'
import { planTransactions } from '../../src/db/transaction-plan.js'
import { Group, initialise } from '../../src/models/index.js'

const options = { maxActions: 100, writers: 8 }
const sizesOf = (plan: { actions: number }[][]) =>
  plan.map((transaction) => transaction.reduce((sum, entry) => sum + entry.actions, 0))
const entries = (count: number, actions: number, tenant = 'acme') =>
  Array.from({ length: count }, (_, n) => ({ n, actions, tenant }))
const plan = (list: { n: number; actions: number; tenant: string }[]) =>
  planTransactions(
    list,
    (entry) => entry.actions,
    (entry) => entry.tenant,
    options,
  )

t.test('more transactions than writers: every round full, the transactions the same size', async (t) => {
  const planned = plan(entries(1000, 2))
  t.equal(planned.length, 24, 'three rounds of eight, not 20 transactions of which the last 4 run alone')
  t.ok(
    sizesOf(planned).every((size) => size === 82 || size === 84),
    'each about 2,000 / 24 actions',
  )
  t.same(
    planned.flat().map((entry) => entry.n),
    Array.from({ length: 1000 }, (_, n) => n),
    'every entry once, in order',
  )
})

t.test('entries of three actions stay whole and within the limit, in as many rounds as needed', async (t) => {
  const planned = plan(entries(1000, 3))
  t.equal(planned.length, 32, '3,000 actions need 31 transactions at least: four rounds')
  t.ok(sizesOf(planned).every((size) => size <= 100 && size >= 90))
})

t.test('one round or less: as few transactions as fit, about equal', async (t) => {
  t.same(sizesOf(plan(entries(65, 2))), [66, 64])
  t.same(sizesOf(plan(entries(50, 2))), [100])
  t.same(sizesOf(plan(entries(1, 2))), [2])
  t.same(plan([]), [])
  t.same(sizesOf(plan(entries(400, 2))), Array(8).fill(100), 'exactly eight full ones')
})

t.test('a transaction holds one tenant’s entries only', async (t) => {
  const planned = plan([...entries(3, 2, 'acme'), ...entries(2, 2, 'globex'), ...entries(1, 2, 'acme')])
  t.same(
    planned.map((transaction) => transaction.map((entry) => entry.tenant)),
    [['acme', 'acme', 'acme'], ['globex', 'globex'], ['acme']],
  )
})

t.test('a batch of 1,000 creates keeps all eight writers busy to its last round', async (t) => {
  let inFlight = 0
  let peak = 0
  const transactions: number[] = []
  const gateway = {
    transact: async (_tenantId: string, actions: readonly unknown[]) => {
      peak = Math.max(peak, ++inFlight)
      transactions.push(actions.length)
      await new Promise((resolve) => setTimeout(resolve, 5))
      inFlight--
    },
  } as unknown as TableGateway
  const writer = new ChangeWriter(gateway, {
    tableName: 'plan-test',
    softDeleteRetentionSeconds: 60,
    backoff: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    concurrency: 8,
  })
  const changes = Array.from({ length: 1000 }, (_, n) => {
    const model = initialise(new Group(), new Date(), Group.modelVersion)
    Object.assign(model, { tenantId: 'acme', userId: 'alice', name: `group ${n}`, groupType: 'team' })
    return { change: { kind: 'create' as const, model }, effects: { create: [model] } }
  })
  t.same(await writer.applyMany(changes), [])
  t.equal(peak, 8)
  t.equal(transactions.length, 24)
  t.ok(Math.max(...transactions) <= 84, `largest transaction: ${Math.max(...transactions)} actions`)
})
