// The migration write's condition, built without a network: exact on what was read.
import t from 'tap'
import { conditionalPut } from '../../../src/ops/migrate/write.js'

t.test('the put is conditioned on the version and model_version as stored, type and all', async (t) => {
  const params = conditionalPut(
    'table',
    { pk: 'p', sk: 's', version: 3 },
    {
      pk: { S: 'p' },
      sk: { S: 's' },
      version: { N: '3' },
      model_version: { S: 'v1' },
    },
  )
  t.equal(
    params.ConditionExpression,
    'attribute_exists(#pk) AND #version = :version AND #model_version = :model_version',
  )
  t.strictSame(params.ExpressionAttributeNames, {
    '#pk': 'pk',
    '#version': 'version',
    '#model_version': 'model_version',
  })
  t.strictSame(params.ExpressionAttributeValues, { ':version': { N: '3' }, ':model_version': { S: 'v1' } })
  t.strictSame(params.Item, { pk: { S: 'p' }, sk: { S: 's' }, version: { N: '3' } })
})

t.test('an item that never had a version or model_version must still have none', async (t) => {
  const params = conditionalPut('table', { pk: 'p', sk: 's' }, { pk: { S: 'p' }, sk: { S: 's' } })
  t.equal(
    params.ConditionExpression,
    'attribute_exists(#pk) AND attribute_not_exists(#version) AND attribute_not_exists(#model_version)',
  )
  t.notOk('ExpressionAttributeValues' in params, 'DynamoDB refuses an empty map of values')
})
