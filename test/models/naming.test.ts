import t from 'tap'
import { toCamelCase, toSnakeCase } from '../../src/models/index.js'

t.test('toSnakeCase turns field and class names into attribute and model names', async (t) => {
  const vectors: [string, string][] = [
    ['createdUtc', 'created_utc'],
    ['UserProfile', 'user_profile'],
    ['Group', 'group'],
    ['id', 'id'],
    ['privacySettings', 'privacy_settings'],
    ['modelVersion', 'model_version'],
    ['tenantId', 'tenant_id'],
    ['gsi1Pk', 'gsi1_pk'],
    ['HTTPServer', 'http_server'],
    ['already_snake', 'already_snake'],
  ]
  for (const [input, expected] of vectors) t.equal(toSnakeCase(input), expected, input)
})

t.test('toCamelCase turns attribute names into field names', async (t) => {
  const vectors: [string, string][] = [
    ['created_utc', 'createdUtc'],
    ['user_profile', 'userProfile'],
    ['privacy_settings', 'privacySettings'],
    ['model_version', 'modelVersion'],
    ['gsi1_pk', 'gsi1Pk'],
    ['id', 'id'],
    ['alreadyCamel', 'alreadyCamel'],
  ]
  for (const [input, expected] of vectors) t.equal(toCamelCase(input), expected, input)
})

t.test('a cached conversion gives the same answer the second time', async (t) => {
  t.equal(toSnakeCase('updatedUtc'), 'updated_utc')
  t.equal(toSnakeCase('updatedUtc'), 'updated_utc')
  t.equal(toCamelCase('updated_utc'), 'updatedUtc')
  t.equal(toCamelCase('updated_utc'), 'updatedUtc')
})

t.test('field names survive camel → snake → camel', async (t) => {
  const fields = [
    'id',
    'modelVersion',
    'createdUtc',
    'updatedUtc',
    'deletedUtc',
    'version',
    'tenantId',
    'userId',
    'name',
    'description',
    'groupType',
    'icon',
    'color',
    'privacySettings',
  ]
  for (const field of fields) t.equal(toCamelCase(toSnakeCase(field)), field, field)
})

t.test('attribute names survive snake → camel → snake', async (t) => {
  const attributes = ['created_utc', 'model_version', 'tenant_id', 'group_type', 'privacy_settings', 'name']
  for (const attribute of attributes) t.equal(toSnakeCase(toCamelCase(attribute)), attribute, attribute)
})
