import { randomUUID } from 'node:crypto'
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb'
import t, { type Test } from 'tap'
import { servicesOf } from '../../src/container.js'
import type { TableGateway } from '../../src/db/table-gateway.js'
import {
  MAX_TRANSACTION_ACTIONS,
  type TransactionAction,
  TransactionCancelledError,
} from '../../src/db/transactions.js'
import { AppError } from '../../src/errors/app-error.js'
import { addCallMiddleware, buildTestApp } from '../helpers/app.js'
import { rejection } from '../helpers/expect.js'

interface Harness {
  gateway: TableGateway
  document: DynamoDBDocumentClient
  tableName: string
  /** Every command this app sent to DynamoDB, by name. */
  sent: string[]
}

async function harness(t: Test): Promise<Harness> {
  const testApp = await buildTestApp(t)
  const { container, document, tableName } = testApp
  const sent: string[] = []
  addCallMiddleware(
    testApp,
    (next, context) => async (args) => {
      sent.push(context.commandName ?? 'unknown')
      return next(args)
    },
    'testRecordCommands',
  )
  return { gateway: servicesOf(container).TableGateway, document, tableName, sent }
}

const key = (tenantId: string, name: string) => ({
  pk: `tenant#${tenantId}#thing#${name}`,
  sk: `thing#${name}`,
})

function put(tableName: string, item: Record<string, unknown>, condition?: string): TransactionAction {
  return {
    Put: { TableName: tableName, Item: item, ...(condition ? { ConditionExpression: condition } : {}) },
  }
}

async function read(h: Harness, k: { pk: string; sk: string }) {
  const output = await h.document.send(
    new GetCommand({ TableName: h.tableName, Key: k, ConsistentRead: true }),
  )
  return output.Item
}

t.test('every action of a transaction is written', async (t) => {
  const h = await harness(t)
  await h.gateway.transact('acme', [
    put(h.tableName, { ...key('acme', 'one'), label: 'first' }),
    put(h.tableName, { ...key('acme', 'two'), label: 'second' }),
  ])
  t.match(await read(h, key('acme', 'one')), { label: 'first' })
  t.match(await read(h, key('acme', 'two')), { label: 'second' })
  t.equal(h.sent.filter((name) => name === 'TransactWriteItemsCommand').length, 1, 'in one call')
})

t.test('a failed condition cancels the whole transaction', async (t) => {
  const h = await harness(t)
  await h.document.send(
    new PutCommand({ TableName: h.tableName, Item: { ...key('acme', 'taken'), label: 'original' } }),
  )

  const error = await rejection(
    h.gateway.transact('acme', [
      put(h.tableName, { ...key('acme', 'fresh'), label: 'new' }),
      put(h.tableName, { ...key('acme', 'taken'), label: 'overwritten' }, 'attribute_not_exists(pk)'),
      {
        Update: {
          TableName: h.tableName,
          Key: key('acme', 'counter'),
          UpdateExpression: 'ADD n :one',
          ExpressionAttributeValues: { ':one': 1 },
        },
      },
    ]),
  )
  t.ok(error instanceof TransactionCancelledError)
  t.ok(error instanceof AppError)
  const cancelled = error as TransactionCancelledError
  t.equal(cancelled.code, 'CONFLICT')
  t.equal(cancelled.status, 409)
  t.strictSame(cancelled.reasons, ['None', 'ConditionalCheckFailed', 'None'])
  t.strictSame(cancelled.failedConditions, [1])
  t.strictSame(
    cancelled.details?.map((detail) => detail.field),
    ['actions[1]'],
  )

  t.equal(await read(h, key('acme', 'fresh')), undefined, 'the first put was not written')
  t.equal(await read(h, key('acme', 'counter')), undefined, 'the update was not applied')
  t.match(await read(h, key('acme', 'taken')), { label: 'original' }, 'the existing item is untouched')
})

t.test('a failed ConditionCheck cancels the transaction and is named by index', async (t) => {
  const h = await harness(t)
  await h.document.send(
    new PutCommand({ TableName: h.tableName, Item: { ...key('acme', 'guard'), open: false } }),
  )
  const error = await rejection(
    h.gateway.transact('acme', [
      {
        ConditionCheck: {
          TableName: h.tableName,
          Key: key('acme', 'guard'),
          ConditionExpression: '#open = :yes',
          ExpressionAttributeNames: { '#open': 'open' },
          ExpressionAttributeValues: { ':yes': true },
        },
      },
      put(h.tableName, { ...key('acme', 'guarded'), label: 'x' }),
    ]),
  )
  t.ok(error instanceof TransactionCancelledError)
  t.equal((error as TransactionCancelledError).code, 'CONFLICT')
  t.strictSame((error as TransactionCancelledError).failedConditions, [0])
  t.strictSame((error as TransactionCancelledError).reasons, ['ConditionalCheckFailed', 'None'])
  t.equal(await read(h, key('acme', 'guarded')), undefined)
})

t.test('the same ClientRequestToken applies the same transaction once', async (t) => {
  // DynamoDB Local 1.25 honours idempotency tokens like DynamoDB does: a repeat within ten
  // minutes returns success without applying the actions again. An ADD counter shows whether
  // the second call was applied, and the conditional put would fail if it were re-run.
  const h = await harness(t)
  const token = randomUUID()
  const actions: TransactionAction[] = [
    put(h.tableName, { ...key('acme', 'once'), label: 'once' }, 'attribute_not_exists(pk)'),
    {
      Update: {
        TableName: h.tableName,
        Key: key('acme', 'counter'),
        UpdateExpression: 'ADD n :one',
        ExpressionAttributeValues: { ':one': 1 },
      },
    },
  ]
  await h.gateway.transact('acme', actions, token)
  await h.gateway.transact('acme', actions, token)
  t.equal(h.sent.filter((name) => name === 'TransactWriteItemsCommand').length, 2, 'both calls were sent')
  t.match(await read(h, key('acme', 'counter')), { n: 1 }, 'applied once')
  t.match(await read(h, key('acme', 'once')), { label: 'once' })

  // Without a token each call gets its own, so the same actions run again (and here conflict).
  const again = await rejection(h.gateway.transact('acme', actions))
  t.equal((again as AppError).code, 'CONFLICT')
  t.strictSame((again as TransactionCancelledError).failedConditions, [0])
  t.match(await read(h, key('acme', 'counter')), { n: 1 })

  // The token now belongs to that transaction: other actions under it are refused.
  const reused = await rejection(h.gateway.transact('acme', [actions[1] as TransactionAction], token))
  t.ok(reused instanceof AppError)
  t.equal((reused as AppError).code, 'IDEMPOTENCY_KEY_REUSED')
  t.match(await read(h, key('acme', 'counter')), { n: 1 })
})

t.test('a transaction takes 1 to 100 actions', async (t) => {
  const h = await harness(t)
  const many = (count: number) =>
    Array.from({ length: count }, (_, i) => put(h.tableName, { ...key('acme', `item${i}`), i }))

  t.equal(MAX_TRANSACTION_ACTIONS, 100)
  await t.rejects(h.gateway.transact('acme', []), RangeError)
  await t.rejects(h.gateway.transact('acme', many(101)), RangeError)
  t.equal(h.sent.length, 0, 'nothing was sent')
  t.equal(await read(h, key('acme', 'item0')), undefined)

  await h.gateway.transact('acme', many(100))
  t.match(await read(h, key('acme', 'item99')), { i: 99 }, '100 actions are accepted')
})

t.test("an action on another tenant's key is refused before anything is sent", async (t) => {
  const h = await harness(t)
  const globex = key('globex', 'secret')
  const foreign: TransactionAction[] = [
    put(h.tableName, { ...globex, label: 'planted' }),
    {
      Update: {
        TableName: h.tableName,
        Key: globex,
        UpdateExpression: 'SET a = :a',
        ExpressionAttributeValues: { ':a': 1 },
      },
    },
    { Delete: { TableName: h.tableName, Key: globex } },
    { ConditionCheck: { TableName: h.tableName, Key: globex, ConditionExpression: 'attribute_exists(pk)' } },
    // `tenant#acme-evil#` shares the text `tenant#acme` but is another tenant.
    put(h.tableName, { pk: 'tenant#acme-evil#thing#x', sk: 'thing#x' }),
    put(h.tableName, { pk: 'tenant#acme', sk: 'thing#x' }),
    put(h.tableName, { pk: 'thing#x', sk: 'thing#x' }),
  ]
  for (const action of foreign) {
    const mine = put(h.tableName, { ...key('acme', 'mine'), label: 'mine' })
    await t.rejects(h.gateway.transact('acme', [mine, action]), JSON.stringify(action).slice(0, 80))
    await t.rejects(h.gateway.transact('acme', [action, mine]))
  }
  t.equal(h.sent.length, 0, 'no call reached DynamoDB')
  t.equal(await read(h, key('acme', 'mine')), undefined, "acme's own action was not written either")
  t.equal(await read(h, globex), undefined)
})

t.test('an action whose index keys belong to another tenant is refused', async (t) => {
  // docs/design.md: every partition key of tenant-owned data, base table AND every GSI, starts with
  // `tenant#<tenantId>#`. A put whose pk is acme's but whose gsi3_pk is globex's would show up in
  // globex's lists.
  const h = await harness(t)
  const item = { ...key('acme', 'sneaky'), gsi3_pk: 'tenant#globex#group', gsi3_sk: 'created#1#id#x' }
  await t.rejects(h.gateway.transact('acme', [put(h.tableName, item)]))
  t.equal(await read(h, key('acme', 'sneaky')), undefined, 'nothing written')
})
