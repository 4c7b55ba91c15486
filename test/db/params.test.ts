// The parameter builders speak one format, plain values (the document client's input shapes), for
// reads and writes alike; wire.ts translates at the gateway's edge. No network.
import t from 'tap'
import { eq } from '../../src/db/filter.js'
import {
  conditionalDeleteParams,
  conditionalPutParams,
  getItemParams,
  putNewItemParams,
  queryParams,
  replaceItemParams,
  softDeleteParams,
} from '../../src/db/params.js'
import { Group, layoutOf } from '../../src/models/index.js'

const key = { pk: 'tenant#t1#group#g1', sk: 'group#g1' }
const item = { ...key, name: 'n', version: 2 }

/** Whether any value in `value` is in DynamoDB's wire format ({ S: 'x' }, { N: '1' }, ...). */
function hasWireValue(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false
  const keys = Object.keys(value)
  if (keys.length === 1 && ['S', 'N', 'BOOL', 'M', 'L', 'NULL'].includes(keys[0] as string)) return true
  return Object.values(value).some(hasWireValue)
}

t.test('reads are built in plain values', async (t) => {
  t.strictSame(getItemParams('table', key, true), { TableName: 'table', Key: key, ConsistentRead: true })
  const query = queryParams('table', {
    index: 'gsi2',
    partitionKey: 'tenant#t1#group#type#team',
    sortKey: { between: ['name#a', 'name#z'] },
    filter: eq('version', 2),
  })
  t.strictSame(query.ExpressionAttributeValues, {
    ':v0': 'tenant#t1#group#type#team',
    ':v1': 'name#a',
    ':v2': 'name#z',
    ':v3': 2,
  })
  t.notOk(hasWireValue(query), 'no value in wire format')
})

t.test('writes are built in plain values', async (t) => {
  const writes = {
    putNew: putNewItemParams('table', item),
    replace: replaceItemParams('table', item, 1),
    softDelete: softDeleteParams('table', layoutOf(Group), key, 1, '2024-01-01T00:00:00.000Z', 1_700_000_000),
    conditionalPut: conditionalPutParams('table', item, eq('version', 1)),
    conditionalDelete: conditionalDeleteParams('table', key, eq('version', 1)),
  }
  for (const [name, params] of Object.entries(writes)) t.notOk(hasWireValue(params), name)
  t.strictSame(conditionalDeleteParams('table', key, eq('version', 1)).Key, key)
})
