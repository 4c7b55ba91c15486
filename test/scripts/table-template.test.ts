import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import t from 'tap'
import {
  REPLICA_PARAMETERS,
  renderTableTemplate,
  TEMPLATE_PATH,
  tableTemplate,
} from '../../scripts/table-template.js'
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
  t.equal(template.Resources.Table.Type, 'AWS::DynamoDB::GlobalTable')
  t.strictSame(table.TableName, { Ref: 'TableName' })
  t.equal(template.Parameters.TableName.Default, 'tessera')
  t.strictSame(table.KeySchema, definition.createTable.KeySchema)
  t.strictSame(table.AttributeDefinitions, definition.createTable.AttributeDefinitions)
  t.strictSame(table.GlobalSecondaryIndexes, definition.createTable.GlobalSecondaryIndexes)
  t.equal(table.BillingMode, 'PAY_PER_REQUEST')
  t.strictSame(table.TimeToLiveSpecification, { AttributeName: 'expires_at', Enabled: true })
  t.equal(template.Resources.Table.DeletionPolicy, 'Retain')
  t.equal(template.Resources.Table.UpdateReplacePolicy, 'Retain')
})

t.test(
  'every replica has point-in-time recovery and deletion protection; replica regions are parameters',
  async (t) => {
    const template = tableTemplate()
    const { Replicas: replicas, StreamSpecification } = template.Resources.Table.Properties
    const [own, ...others] = replicas as Array<Record<string, unknown>>
    t.strictSame(own?.Region, { Ref: 'AWS::Region' }, "the stack's own region is always a replica")
    t.equal(others.length, REPLICA_PARAMETERS.length)
    const specs = [
      own,
      ...others.map((other, n) => {
        const [condition, spec, otherwise] = (
          other as { 'Fn::If': [string, Record<string, unknown>, unknown] }
        )['Fn::If']
        t.equal(condition, `Has${REPLICA_PARAMETERS[n]}`)
        t.strictSame(otherwise, { Ref: 'AWS::NoValue' }, 'an empty region adds no replica')
        t.strictSame(spec.Region, { Ref: REPLICA_PARAMETERS[n] })
        return spec
      }),
    ]
    for (const spec of specs) {
      t.strictSame(spec?.PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: true })
      t.equal(spec?.DeletionProtectionEnabled, true)
    }
    const parameters: Record<string, { Default?: string }> = template.Parameters
    for (const name of REPLICA_PARAMETERS) t.equal(parameters[name]?.Default, '', `${name} is optional`)
    t.equal(StreamSpecification.StreamViewType, 'NEW_AND_OLD_IMAGES', 'replication needs both images')
  },
)

const PSEUDO_PARAMETERS = new Set(['AWS::Region', 'AWS::NoValue', 'AWS::AccountId', 'AWS::StackName'])

t.test('every Ref, Fn::GetAtt and Fn::If names something the template declares', async (t) => {
  const template = tableTemplate()
  const declared = new Set([...Object.keys(template.Parameters), ...Object.keys(template.Resources)])
  const problems: string[] = []
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return
    for (const [key, value] of Object.entries(node)) {
      if (Array.isArray(node)) {
        visit(value)
        continue
      }
      if (key === 'Ref' && !declared.has(value as string) && !PSEUDO_PARAMETERS.has(value as string))
        problems.push(`Ref ${value}`)
      if (key === 'Fn::GetAtt' && !(value[0] in template.Resources)) problems.push(`GetAtt ${value[0]}`)
      if (key === 'Fn::If' && !(value[0] in template.Conditions)) problems.push(`If ${value[0]}`)
      visit(value)
    }
  }
  visit(template.Resources)
  visit(template.Outputs)
  visit(template.Conditions)
  t.strictSame(problems, [])
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
