// DynamoDB's wire format ({ S: 'x' }, { N: '1' }) and back. Every data call goes through the
// low-level data client (see createDataClient), whose middleware is resolved once per command:
// the document client, which would translate for us, refuses that. So the gateway translates at
// its edge, as the document client would with our options (attribute-values.ts), and the rest of
// the code sees plain items and the document client's input shapes.
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
import { marshall } from '@aws-sdk/util-dynamodb'
import type { Item } from '../models/index.js'
import { marshallMap, unmarshallMap } from './attribute-values.js'
import { MARSHALL_OPTIONS } from './dynamodb-client.js'
import type { PrimaryKey } from './params.js'

export type WireItem = Record<string, AttributeValue>

/** A transaction action in plain values (the document client's shape). */
export type TransactionAction = NonNullable<TransactWriteCommandInput['TransactItems']>[number]

export function toWire(item: Record<string, unknown>): WireItem {
  // Anything but a plain object is the library's to accept or refuse.
  return item.constructor === Object ? marshallMap(item) : marshall(item, MARSHALL_OPTIONS)
}

/** An item, key or page position from the wire. */
export function fromWire(item: WireItem): Item {
  return unmarshallMap(item)
}

/** A primary key: both of its attributes are strings, so it needs no marshalling. */
export function wireKey(key: PrimaryKey): WireItem {
  return { pk: { S: key.pk }, sk: { S: key.sk } }
}

export function plainKey(key: WireItem): PrimaryKey {
  return { pk: String(key.pk?.S), sk: String(key.sk?.S) }
}

type PlainValues = { ExpressionAttributeValues?: Record<string, unknown> }

/** The fresh copy it is given, its expression values (if any) in wire format where they stood. */
function withWireValues<T extends PlainValues>(input: T): T {
  if (input.ExpressionAttributeValues !== undefined)
    input.ExpressionAttributeValues = toWire(input.ExpressionAttributeValues)
  return input
}

export function putItemInput(input: PutCommandInput): PutItemCommandInput {
  return withWireValues({ ...input, Item: toWire(input.Item ?? {}) }) as PutItemCommandInput
}

/** Any input addressed by key (delete, update, condition check). */
function keyedInput<T extends PlainValues & { Key: Record<string, unknown> | undefined }>(input: T) {
  return withWireValues({ ...input, Key: keyToWire(input.Key ?? {}) })
}

/** A key in wire format; the table's own (`pk` and `sk`, strings, in that order) is built as it is. */
function keyToWire(key: Record<string, unknown>): WireItem {
  const { pk, sk } = key
  if (typeof pk !== 'string' || typeof sk !== 'string') return toWire(key)
  let count = 0
  for (const name in key) {
    if (name !== (count === 0 ? 'pk' : 'sk') || ++count > 2) return toWire(key)
  }
  return wireKey({ pk, sk })
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
  return withWireValues({
    ...rest,
    ...(ExclusiveStartKey === undefined ? {} : { ExclusiveStartKey: toWire(ExclusiveStartKey) }),
  }) as WireQueryCommandInput
}

export function transactItem(action: TransactionAction): TransactWriteItem {
  if (action.Put) return { Put: putItemInput(action.Put as PutCommandInput) } as TransactWriteItem
  if (action.Update) return { Update: keyedInput(action.Update) } as TransactWriteItem
  if (action.Delete) return { Delete: keyedInput(action.Delete) } as TransactWriteItem
  if (action.ConditionCheck) return { ConditionCheck: keyedInput(action.ConditionCheck) } as TransactWriteItem
  throw new TypeError('a transaction action needs one of Put, Update, Delete or ConditionCheck')
}
