// Plain values ↔ DynamoDB AttributeValues, with the same result as @aws-sdk/util-dynamodb's
// marshall (removeUndefinedValues) and unmarshall (numbers as numbers), value for value and error
// for error, but several times faster: every read and write converts a whole item, and the
// library's generic path (a type test by constructor name, a reduce over Object.entries per map)
// cost more than building the item itself. Strings, numbers, booleans, null, plain objects and
// arrays are converted here; anything else (sets, binary, bigint, NumberValue, unsafe numbers) is
// handed to the library, so its rules and errors stay the only ones.
import type { AttributeValue } from '@aws-sdk/client-dynamodb'
import { convertToAttr, convertToNative } from '@aws-sdk/util-dynamodb'
import { MARSHALL_OPTIONS, UNMARSHALL_OPTIONS } from './dynamodb-client.js'

type WireMap = Record<string, AttributeValue>

/** Like `marshall(value, MARSHALL_OPTIONS)` of a plain object: its attributes in wire format. */
export function marshallMap(values: Record<string, unknown>): WireMap {
  const map: WireMap = {}
  for (const name in values) {
    const value = values[name]
    if (value !== undefined && typeof value !== 'function') map[name] = attributeOf(value)
  }
  return map
}

/** Like `convertToAttr(value, MARSHALL_OPTIONS)`. */
export function attributeOf(value: unknown): AttributeValue {
  switch (typeof value) {
    case 'string':
      return { S: value }
    case 'number':
      // Within the safe range (NaN and infinities fail both tests): the library's checks would pass.
      if (value <= Number.MAX_SAFE_INTEGER && value >= Number.MIN_SAFE_INTEGER) return { N: String(value) }
      break
    case 'boolean':
      return { BOOL: value }
    case 'object':
      if (value === null) return { NULL: true }
      if (Array.isArray(value)) return { L: listOf(value) }
      if (value.constructor === Object) return { M: marshallMap(value as Record<string, unknown>) }
      break
  }
  return convertToAttr(value, MARSHALL_OPTIONS)
}

function listOf(values: readonly unknown[]): AttributeValue[] {
  const list: AttributeValue[] = []
  for (const value of values) {
    if (value !== undefined && typeof value !== 'function') list.push(attributeOf(value))
  }
  return list
}

/** Like `unmarshall(map, UNMARSHALL_OPTIONS)`: an item, key or map from the wire. */
export function unmarshallMap(map: WireMap): Record<string, unknown> {
  // for…in where the library takes Object.entries: the SDK's outputs are plain objects that inherit
  // nothing enumerable, and for…in allocates no array of pairs.
  const values: Record<string, unknown> = {}
  for (const name in map) values[name] = nativeOf(map[name] as AttributeValue)
  return values
}

/** Like `convertToNative(attribute, UNMARSHALL_OPTIONS)`. */
export function nativeOf(attribute: AttributeValue): unknown {
  // The library reads the first member that is not undefined; SDK outputs have exactly one.
  for (const type in attribute) {
    const value = attribute[type as keyof AttributeValue]
    if (value === undefined) continue
    switch (type) {
      case 'S':
        return value
      case 'N': {
        const number = Number(value)
        if (number <= Number.MAX_SAFE_INTEGER && number >= Number.MIN_SAFE_INTEGER) return number
        break
      }
      case 'BOOL':
        return Boolean(value)
      case 'NULL':
        return null
      case 'M':
        return unmarshallMap(value as WireMap)
      case 'L':
        return (value as AttributeValue[]).map(nativeOf)
    }
    break
  }
  return convertToNative(attribute, UNMARSHALL_OPTIONS)
}
