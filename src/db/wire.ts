// DynamoDB's wire format ({ S: 'x' }, { N: '1' }) and back. Every data call goes through the
// low-level data client (see createDataClient), whose middleware is resolved once per command:
// the document client, which would translate for us, refuses that. So the gateway translates at
// its edge, with the options the document client would use, and the rest of the code sees plain
// items and the document client's input shapes.
import type {
  AttributeValue,
  DeleteItemCommandInput,
  GetItemCommandInput,
  PutItemCommandInput,
  TransactWriteItem,
  QueryCommandInput as WireQueryCommandInput,
} from '@aws-sdk/client-dynamodb'
import type {
  DeleteCommandInput,
  GetCommandInput,
  PutCommandInput,
  QueryCommandInput,
  TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb'
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb'
import type { Item } from '../models/index.js'
import { MARSHALL_OPTIONS, UNMARSHALL_OPTIONS } from './dynamodb-client.js'
import type { PrimaryKey } from './params.js'

export type WireItem = Record<string, AttributeValue>

/** A transaction action in plain values (the document client's shape). */
export type TransactionAction = NonNullable<TransactWriteCommandInput['TransactItems']>[number]

export function toWire(item: Record<string, unknown>): WireItem {
  return marshall(item, MARSHALL_OPTIONS)
}

/** An item, key or page position from the wire. */
export function fromWire(item: WireItem): Item {
  return unmarshall(item, UNMARSHALL_OPTIONS) as Item
}

/** A primary key: both of its attributes are strings, so it needs no marshalling. */
export function wireKey(key: PrimaryKey): WireItem {
  return { pk: { S: key.pk }, sk: { S: key.sk } }
}

export function plainKey(key: WireItem): PrimaryKey {
  return { pk: String(key.pk?.S), sk: String(key.sk?.S) }
}

/** The input's expression values in wire format; absent when it has none. */
function wireValues(values: Record<string, unknown> | undefined) {
  return values === undefined ? {} : { ExpressionAttributeValues: toWire(values) }
}

export function putItemInput(input: PutCommandInput): PutItemCommandInput {
  return { ...input, Item: toWire(input.Item ?? {}), ...wireValues(input.ExpressionAttributeValues) }
}

/** Any input addressed by key (delete, update, condition check). */
function keyedInput<
  T extends { Key: Record<string, unknown> | undefined; ExpressionAttributeValues?: Record<string, unknown> },
>(input: T) {
  return { ...input, Key: toWire(input.Key ?? {}), ...wireValues(input.ExpressionAttributeValues) }
}

export function getItemInput(input: GetCommandInput): GetItemCommandInput {
  return keyedInput(input) as GetItemCommandInput
}

export function deleteItemInput(input: DeleteCommandInput): DeleteItemCommandInput {
  return keyedInput(input) as DeleteItemCommandInput
}

/** A query's expression values, and the page to start from, in wire format. */
export function queryInput(input: QueryCommandInput): WireQueryCommandInput {
  const { ExclusiveStartKey, ...rest } = input
  return {
    ...rest,
    ...wireValues(input.ExpressionAttributeValues),
    ...(ExclusiveStartKey === undefined ? {} : { ExclusiveStartKey: toWire(ExclusiveStartKey) }),
  } as WireQueryCommandInput
}

export function transactItem(action: TransactionAction): TransactWriteItem {
  if (action.Put) return { Put: putItemInput(action.Put as PutCommandInput) } as TransactWriteItem
  if (action.Update) return { Update: keyedInput(action.Update) } as TransactWriteItem
  if (action.Delete) return { Delete: keyedInput(action.Delete) } as TransactWriteItem
  if (action.ConditionCheck) return { ConditionCheck: keyedInput(action.ConditionCheck) } as TransactWriteItem
  throw new TypeError('a transaction action needs one of Put, Update, Delete or ConditionCheck')
}
