// The ceiling of `bench:import -- --ceiling`: a bare Fastify server (no logger, plugins, schemas or
// checks) whose create routes make the app's writes and nothing else — each body turned into a
// group and its audit entry with the model layer, written with the SDK alone: one 2-action
// transaction for POST /v2/groups; for POST /v2/groups/batch, transactions planned as the app plans
// them (planTransactions), BATCH_CONCURRENCY in flight. What the app reaches against it is what
// its own features cost over HTTP and the SDK. The tenant comes from the x-tenant-id header.
import { TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb'
import Fastify from 'fastify'
import { loadConfig } from '../../src/config/config.js'
import { createDynamoDbClient } from '../../src/db/dynamodb-client.js'
import { planTransactions } from '../../src/db/transaction-plan.js'
import { MAX_TRANSACTION_ACTIONS } from '../../src/db/transactions.js'
import { createActions, type groupBody, sendTransactions } from './bulk-raw.js'

type Body = ReturnType<typeof groupBody>
const { dynamodb } = loadConfig(process.env)
const client = createDynamoDbClient(dynamodb)
const SUBJECT = 'importer'
const tenantOf = (headers: Record<string, unknown>) => String(headers['x-tenant-id'])
const idOf = (create: { Put?: { Item?: Record<string, { S?: string }> } }[]) => create[0]?.Put?.Item?.id?.S

const app = Fastify()
app.get('/ready', async () => ({ ready: true }))
app.post('/v2/groups', async (request, reply) => {
  const [create = []] = createActions(dynamodb.tableName, tenantOf(request.headers), SUBJECT, [
    request.body as Body,
  ])
  await client.send(
    new TransactWriteItemsCommand({ TransactItems: create, ClientRequestToken: crypto.randomUUID() }),
  )
  return reply.status(201).send({ data: { id: idOf(create) } })
})
app.post('/v2/groups/batch', { bodyLimit: 64 * 1024 * 1024 }, async (request) => {
  const { items } = request.body as { items: Body[] }
  const creates = createActions(dynamodb.tableName, tenantOf(request.headers), SUBJECT, items)
  const transactions = planTransactions(
    creates,
    (create) => create.length,
    () => '',
    { maxActions: MAX_TRANSACTION_ACTIONS, writers: dynamodb.batchConcurrency },
  )
  await sendTransactions(
    client,
    transactions.map((transaction) => transaction.flat()),
    dynamodb.batchConcurrency,
  )
  return { data: creates.map((create, index) => ({ index, id: idOf(create) })) }
})
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0))
})
await app.listen({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 0) })
