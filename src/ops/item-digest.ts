// Order-independent digests of items, to compare two tables (a replica, a restored copy) without
// holding either in memory: every item's canonical DynamoDB JSON is hashed, and a segment's digest
// is the sum of its items' hashes, so it does not depend on the order a scan returns them in.

import { createHash } from 'node:crypto'
import type { AttributeValue } from '@aws-sdk/client-dynamodb'
import type { WireItem } from './parallel-scan.js'

const MODULUS = 1n << 256n

/**
 * The item in DynamoDB JSON with its attribute and map keys sorted and its sets' members sorted
 * (DynamoDB keeps no order in either), binary as base64: equal items give equal text.
 */
export function canonicalItem(item: WireItem): string {
  return canonicalMap(item)
}

function canonicalMap(map: Record<string, AttributeValue>): string {
  const names = Object.keys(map).sort()
  return `{${names.map((name) => `${JSON.stringify(name)}:${canonicalValue(map[name] as AttributeValue)}`).join(',')}}`
}

function canonicalValue(value: AttributeValue): string {
  if (value.M !== undefined) return `{"M":${canonicalMap(value.M)}}`
  if (value.L !== undefined) return `{"L":[${value.L.map(canonicalValue).join(',')}]}`
  if (value.B !== undefined) return `{"B":${JSON.stringify(base64(value.B))}}`
  if (value.SS !== undefined) return `{"SS":${JSON.stringify([...value.SS].sort())}}`
  if (value.NS !== undefined) return `{"NS":${JSON.stringify([...value.NS].sort())}}`
  if (value.BS !== undefined) return `{"BS":${JSON.stringify(value.BS.map(base64).sort())}}`
  if (value.S !== undefined) return JSON.stringify({ S: value.S })
  if (value.N !== undefined) return JSON.stringify({ N: value.N })
  if (value.BOOL !== undefined) return JSON.stringify({ BOOL: value.BOOL })
  if (value.NULL !== undefined) return JSON.stringify({ NULL: value.NULL })
  throw new TypeError(`an attribute of an unknown type: ${Object.keys(value).join(', ')}`)
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64')

/** sha256 of the item's canonical JSON, as hex. */
export function itemHash(item: WireItem): string {
  return createHash('sha256').update(canonicalItem(item)).digest('hex')
}

/** A running, order-independent digest of a set of items: their count and the sum of their hashes. */
export class ItemsDigest {
  items = 0
  private sum = 0n

  add(hash: string): void {
    this.items++
    this.sum = (this.sum + BigInt(`0x${hash}`)) % MODULUS
  }

  get digest(): string {
    return this.sum.toString(16).padStart(64, '0')
  }
}
