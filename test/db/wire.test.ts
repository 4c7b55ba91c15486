// Plain values to DynamoDB's wire format and back, as the data client needs them. No network.
import { marshall } from '@aws-sdk/util-dynamodb'
import t from 'tap'
import {
  deleteItemInput,
  fromWire,
  getItemInput,
  putItemInput,
  queryInput,
  toWire,
  transactItem,
} from '../../src/db/wire.js'

const key = { pk: 'tenant#t1#group#g1', sk: 'group#g1' }

t.test('items survive the round trip; undefined values are left out', async (t) => {
  const item = { ...key, name: 'n', version: 3, tags: ['a'], nested: { on: true }, gone: undefined }
  const wire = toWire(item)
  t.strictSame(wire.version, { N: '3' })
  t.strictSame(wire.nested, { M: { on: { BOOL: true } } })
  t.notOk('gone' in wire)
  const { gone: _gone, ...stored } = item
  t.strictSame(fromWire(wire), stored)
})

t.test(
  'put and delete inputs: item, key and expression values in wire format, the rest as it is',
  async (t) => {
    const put = putItemInput({
      TableName: 'table',
      Item: { ...key, version: 2 },
      ConditionExpression: '#v = :v',
      ExpressionAttributeNames: { '#v': 'version' },
      ExpressionAttributeValues: { ':v': 1 },
    })
    t.strictSame(put, {
      TableName: 'table',
      Item: { pk: { S: key.pk }, sk: { S: key.sk }, version: { N: '2' } },
      ConditionExpression: '#v = :v',
      ExpressionAttributeNames: { '#v': 'version' },
      ExpressionAttributeValues: { ':v': { N: '1' } },
    })
    const remove = deleteItemInput({
      TableName: 'table',
      Key: key,
      ConditionExpression: 'attribute_exists(pk)',
    })
    t.strictSame(remove, {
      TableName: 'table',
      Key: { pk: { S: key.pk }, sk: { S: key.sk } },
      ConditionExpression: 'attribute_exists(pk)',
    })
    t.notOk('ExpressionAttributeValues' in remove, 'no values: none sent')
  },
)

t.test('every kind of transaction action is translated', async (t) => {
  const values = { ':v': 1 }
  const wireKey = { pk: { S: key.pk }, sk: { S: key.sk } }
  const wireValues = { ':v': { N: '1' } }
  t.strictSame(transactItem({ Put: { TableName: 'x', Item: key } }), {
    Put: { TableName: 'x', Item: wireKey },
  })
  for (const kind of ['Update', 'Delete', 'ConditionCheck'] as const) {
    const action = { [kind]: { TableName: 'x', Key: key, ExpressionAttributeValues: values } }
    t.strictSame(
      transactItem(action),
      { [kind]: { TableName: 'x', Key: wireKey, ExpressionAttributeValues: wireValues } },
      kind,
    )
  }
  t.throws(() => transactItem({}), /Put, Update, Delete or ConditionCheck/)
})

t.test('get and query inputs: key, expression values and start key in wire format', async (t) => {
  t.strictSame(getItemInput({ TableName: 'table', Key: key, ConsistentRead: true }), {
    TableName: 'table',
    Key: { pk: { S: key.pk }, sk: { S: key.sk } },
    ConsistentRead: true,
  })
  const query = {
    TableName: 'table',
    KeyConditionExpression: '#n0 = :v0',
    ExpressionAttributeNames: { '#n0': 'pk' },
    ExpressionAttributeValues: { ':v0': key.pk, ':v1': 2 },
    Limit: 10,
  }
  t.strictSame(queryInput({ ...query, ExclusiveStartKey: key }), {
    ...query,
    ExpressionAttributeValues: { ':v0': { S: key.pk }, ':v1': { N: '2' } },
    ExclusiveStartKey: { pk: { S: key.pk }, sk: { S: key.sk } },
  })
  t.notOk('ExclusiveStartKey' in queryInput({ ...query, ExclusiveStartKey: undefined }), 'first page: none')
})

t.test('a key in another order, with more attributes or other types is marshalled as it is', async (t) => {
  const keys: Record<string, unknown>[] = [
    { sk: key.sk, pk: key.pk },
    { ...key, extra: 'x' },
    { pk: key.pk },
    { pk: 1, sk: key.sk },
    { id: 'a', at: 2 },
  ]
  for (const plain of keys) {
    const wire = getItemInput({ TableName: 'table', Key: plain }).Key ?? {}
    t.strictSame(wire, marshall(plain), JSON.stringify(plain))
    t.strictSame(Object.keys(wire), Object.keys(plain), 'in the same order')
  }
})
