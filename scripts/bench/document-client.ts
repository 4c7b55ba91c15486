// What the document client (@aws-sdk/lib-dynamodb) does to an input and output around every call,
// with its default options: each value of the item, key and expression values is marshalled on its
// own (a map becomes { M: … }), and each attribute of a returned item is unmarshalled on its own.
// ElectroDB and DynamoDB-Toolbox build document-client inputs; the wire format is what is sent.
import type { AttributeValue } from '@aws-sdk/client-dynamodb'
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb'

type Plain = Record<string, unknown>
type Wire = Record<string, AttributeValue>

const MARSHALL_OPTIONS = { convertTopLevelContainer: true } as const
const UNMARSHALL_OPTIONS = { convertWithoutMapWrapper: true } as const

function marshallValues(values: Plain): Wire {
  const wire: Wire = {}
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && typeof value !== 'function')
      wire[name] = marshall(value, MARSHALL_OPTIONS) as AttributeValue
  }
  return wire
}

/** A put or get input as the document client sends it: Item, Key and values in wire format. */
export function documentClientInput<
  T extends { Item?: Plain; Key?: Plain; ExpressionAttributeValues?: Plain },
>(input: T) {
  const { Item, Key, ExpressionAttributeValues, ...rest } = input
  return {
    ...rest,
    ...(Item === undefined ? {} : { Item: marshallValues(Item) }),
    ...(Key === undefined ? {} : { Key: marshallValues(Key) }),
    ...(ExpressionAttributeValues === undefined
      ? {}
      : { ExpressionAttributeValues: marshallValues(ExpressionAttributeValues) }),
  }
}

/** A returned item as the document client hands it over. */
export function documentClientItem(wire: Wire): Plain {
  const item: Plain = {}
  for (const [name, value] of Object.entries(wire))
    item[name] = unmarshall(value as never, UNMARSHALL_OPTIONS)
  return item
}
