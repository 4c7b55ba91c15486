import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import t from 'tap'
import { renderTableTemplate, TEMPLATE_PATH, tableTemplate } from '../../scripts/table-template.js'
import { type IndexDefinitions, Model, type ModelClass, tableDefinition } from '../../src/models/index.js'
import { ALL_MODELS } from '../../src/resources/index.js'

t.test('the committed deploy/table.template.json is what the models generate', async (t) => {
  t.equal(readFileSync(TEMPLATE_PATH, 'utf8'), renderTableTemplate(), 'run npm run table:template')
})

t.test('npm run table:template -- --check agrees', async (t) => {
  const check = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/table-template.ts', '--check'], {
    encoding: 'utf8',
  })
  t.equal(check.status, 0, check.stderr)
  t.match(check.stdout, /matches the models/)
})

t.test('the template carries the table definition, with the name as a parameter', async (t) => {
  const definition = tableDefinition('tessera', ALL_MODELS)
  const template = tableTemplate(definition)
  const { Properties: table } = template.Resources.Table
  t.equal(template.Resources.Table.Type, 'AWS::DynamoDB::Table')
  t.strictSame(table.TableName, { Ref: 'TableName' })
  t.equal(template.Parameters.TableName.Default, 'tessera')
  t.strictSame(table.KeySchema, definition.createTable.KeySchema)
  t.strictSame(table.AttributeDefinitions, definition.createTable.AttributeDefinitions)
  t.strictSame(table.GlobalSecondaryIndexes, definition.createTable.GlobalSecondaryIndexes)
  t.equal(table.BillingMode, 'PAY_PER_REQUEST')
  t.strictSame(table.TimeToLiveSpecification, { AttributeName: 'expires_at', Enabled: true })
  t.equal(template.Resources.Table.DeletionPolicy, 'Retain')
})

class Widget extends Model {
  static readonly modelVersion = 1
  static readonly fields = [] as const
  static readonly indexes = {
    primary: { pk: (w) => `widget#${w.id}`, sk: () => 'widget' },
    gsi4: { pk: () => 'widgets', sk: (w) => `widget#${w.id}` },
  } satisfies IndexDefinitions<Widget>
}

t.test('a model change changes the template', async (t) => {
  const changed = tableTemplate(tableDefinition('tessera', [Widget as unknown as ModelClass<Model>]))
  const indexes = changed.Resources.Table.Properties.GlobalSecondaryIndexes ?? []
  t.strictSame(
    indexes.map((index) => index.IndexName),
    ['gsi4'],
  )
  t.not(JSON.stringify(changed), JSON.stringify(tableTemplate()))
})
