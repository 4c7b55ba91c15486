// The raw side of `bench:import`: the writes the app makes for an import — each group and its audit
// entry, as one transaction — built with the model layer the app uses (so the wire items are the
// app's), then sent with the SDK alone: TransactWriteItems with the same conditions and a client
// request token, as the app sends them.
import { randomUUID } from 'node:crypto'
import {
  type DynamoDBClient,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb'
import { putNewItemParams } from '../../src/db/params.js'
import { type TransactionAction, transactItem } from '../../src/db/wire.js'
import { Group, initialise, type TenantModel, toItem, userIdOf } from '../../src/models/index.js'
import { groups } from '../../src/resources/groups.js'
import { auditEntry, snapshot } from '../../src/services/audit.js'
import type { RequestContext } from '../../src/services/request-context.js'
import { WriteStamp } from '../../src/services/write-stamp.js'

/** A group body as a client sends it to POST /v2/groups (and in a batch's items). */
export function groupBody(i: number) {
  return {
    name: `Imported group ${i}`,
    groupType: ['book-club', 'team', 'project'][i % 3] as string,
    description: `Group number ${i}, imported by the bulk-import benchmark.`,
    icon: 'book',
    color: '#3366ff',
    privacySettings: { visibility: i % 2 === 0 ? ('tenant' as const) : ('private' as const) },
  }
}

/**
 * The wire actions of `count` creates in `tenantId` by `subject`, as the app would write them from
 * the same bodies sent over HTTP by this process's fetch (its address and user agent): for each
 * group, its Put and its audit entry's.
 */
export function createActions(
  tableName: string,
  tenantId: string,
  subject: string,
  bodies: readonly ReturnType<typeof groupBody>[],
): TransactWriteItem[][] {
  const context: RequestContext = {
    tenantId,
    userId: userIdOf(subject),
    roles: ['member'],
    correlationId: randomUUID(),
    ipAddress: '127.0.0.1',
    userAgent: 'node',
  }
  const stamp = WriteStamp.for(context, () => new Date())
  const put = (model: TenantModel) =>
    transactItem({ Put: putNewItemParams(tableName, toItem(model)) } as TransactionAction)
  return bodies.map((body) => {
    const group = initialise(new Group(), stamp.now, Group.modelVersion, stamp.nextId())
    group.tenantId = context.tenantId
    group.userId = context.userId
    groups.create(group, body)
    const audit = auditEntry(context, group, 'create', { oldValues: null, newValues: snapshot(group) }, stamp)
    return [put(group), put(audit)]
  })
}

/** Writes `creates` in transactions of `perTransaction` creates, `concurrency` transactions in flight. */
export function writeRaw(
  client: DynamoDBClient,
  creates: readonly TransactWriteItem[][],
  perTransaction: number,
  concurrency: number,
): Promise<void> {
  const transactions: TransactWriteItem[][] = []
  for (let first = 0; first < creates.length; first += perTransaction)
    transactions.push(creates.slice(first, first + perTransaction).flat())
  return sendTransactions(client, transactions, concurrency)
}

/** Sends each transaction (with a client request token, as the app does), `concurrency` in flight. */
export async function sendTransactions(
  client: DynamoDBClient,
  transactions: readonly TransactWriteItem[][],
  concurrency: number,
): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < transactions.length) {
      const TransactItems = transactions[next++]
      await client.send(new TransactWriteItemsCommand({ TransactItems, ClientRequestToken: randomUUID() }))
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, transactions.length) }, worker))
}
