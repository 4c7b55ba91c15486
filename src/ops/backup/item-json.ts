// One item per line, in DynamoDB's own JSON (the wire AttributeValue form): numbers stay the
// strings DynamoDB stores ("1.50" stays "1.50"), sets stay sets, binary is base64. Nothing is
// converted to JavaScript values, so a restored item is byte-for-byte the item that was read.
import type { AttributeValue } from '@aws-sdk/client-dynamodb'
import type { WireItem } from '../parallel-scan.js'

type JsonValue = Record<string, unknown>

/** The item as one line of JSON (no newline). */
export function encodeItem(item: WireItem): string {
  return JSON.stringify(jsonAttributes(item))
}

// Binary values become base64 strings; everything else is already JSON and is passed through as
// it is (no copy, and no replacer for JSON.stringify to call on every value).
function jsonAttributes(map: Record<string, AttributeValue>): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined
  for (const name in map) {
    const value = map[name] as AttributeValue
    const json = jsonValue(value)
    if (json === value) continue
    copy ??= { ...map }
    copy[name] = json
  }
  return copy ?? map
}

function jsonValue(value: AttributeValue): unknown {
  if (value.B) return { B: base64(value.B) }
  if (value.BS) return { BS: value.BS.map(base64) }
  if (value.M) {
    const map = jsonAttributes(value.M)
    return map === value.M ? value : { M: map }
  }
  if (value.L) {
    const list = value.L.map(jsonValue)
    return list.every((entry, index) => entry === value.L?.[index]) ? value : { L: list }
  }
  return value
}

const base64 = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')

/** An item from its line; throws when the line is not an item in DynamoDB JSON. */
export function decodeItem(line: string): WireItem {
  const parsed: unknown = JSON.parse(line)
  if (!isObject(parsed)) throw new TypeError('a line is not a JSON object')
  const item: WireItem = {}
  for (const [name, value] of Object.entries(parsed)) item[name] = decodeValue(value)
  if (item.pk?.S === undefined || item.sk?.S === undefined)
    throw new TypeError('an item has no string pk and sk')
  return item
}

function decodeValue(value: unknown): AttributeValue {
  if (!isObject(value)) throw new TypeError('an attribute is not a DynamoDB JSON value')
  const [type, ...more] = Object.keys(value)
  if (type === undefined || more.length > 0) throw new TypeError('an attribute has not exactly one type')
  const inner = value[type]
  switch (type) {
    case 'S':
    case 'N':
      if (typeof inner !== 'string') break
      return { [type]: inner } as unknown as AttributeValue
    case 'BOOL':
    case 'NULL':
      if (typeof inner !== 'boolean') break
      return { [type]: inner } as unknown as AttributeValue
    case 'B':
      if (typeof inner !== 'string') break
      return { B: Buffer.from(inner, 'base64') }
    case 'SS':
    case 'NS':
      if (!Array.isArray(inner) || !inner.every((entry) => typeof entry === 'string')) break
      return { [type]: inner } as unknown as AttributeValue
    case 'BS':
      if (!Array.isArray(inner) || !inner.every((entry) => typeof entry === 'string')) break
      return { BS: inner.map((entry: string) => Buffer.from(entry, 'base64')) }
    case 'L':
      if (!Array.isArray(inner)) break
      return { L: inner.map(decodeValue) }
    case 'M':
      if (!isObject(inner)) break
      return { M: Object.fromEntries(Object.entries(inner).map(([key, entry]) => [key, decodeValue(entry)])) }
  }
  throw new TypeError(`an attribute of type ${type} has a malformed value`)
}

function isObject(value: unknown): value is JsonValue {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The model an item belongs to, as counted in the manifest. */
export const NO_MODEL = '(no model)'
export function modelOf(item: WireItem): string {
  return item.model_name?.S ?? NO_MODEL
}

/** The item's primary key, as a line for reports (`pk | sk`). */
export function keyText(item: WireItem): string {
  return `${item.pk?.S} | ${item.sk?.S}`
}
