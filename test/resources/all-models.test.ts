// A resource's model is registered by the resource list alone: the table definition and its
// template, the IAM LeadingKeys check and log redaction all read ALL_MODELS.
import t from 'tap'
import { checkTenantKeys } from '../../scripts/deploy-checks/iam.js'
import { renderTableTemplate, tableTemplate } from '../../scripts/table-template.js'
import {
  buildKey,
  CORE_MODELS,
  type IndexDefinitions,
  layoutOf,
  type Model,
  type ModelClass,
  TenantModel,
  tableDefinition,
  tenantKey,
} from '../../src/models/index.js'
import { createLogger, REDACTION_CENSOR } from '../../src/observability/logger.js'
import { redactedKeys } from '../../src/observability/redaction.js'
import { ALL_MODELS, RESOURCES } from '../../src/resources/index.js'
import { captureLogs } from '../helpers/log-capture.js'

t.test('ALL_MODELS: each resource’s model once, then the core models', async (t) => {
  const resourceModels = RESOURCES.map((resource) => resource.model as ModelClass<Model>)
  t.strictSame(ALL_MODELS, [...resourceModels, ...CORE_MODELS])
  t.equal(new Set(ALL_MODELS).size, ALL_MODELS.length, 'no model twice')
  for (const model of resourceModels)
    t.notOk(CORE_MODELS.includes(model), `${model.name} is registered by the resource list only`)
})

t.test('every model has a step of its history for each version below its own', async (t) => {
  for (const model of ALL_MODELS) {
    t.doesNotThrow(() => layoutOf(model), model.name)
    t.equal(layoutOf(model).upcasters.length, model.modelVersion - 1, model.name)
  }
})

t.test('the table and its template are defined by every model', async (t) => {
  const indexes = new Set(ALL_MODELS.flatMap((model) => Object.keys(model.indexes)))
  const { createTable } = tableDefinition('tessera', ALL_MODELS)
  t.strictSame(
    new Set(['primary', ...(createTable.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName)]),
    indexes,
    'one index per index any model defines',
  )
  t.strictSame(tableTemplate(), tableTemplate(tableDefinition('tessera', ALL_MODELS)))
  t.type(renderTableTemplate(), 'string')
})

class Ticket extends TenantModel {
  static readonly modelVersion = 1
  static readonly fields = ['tenantId', 'userId', 'secretNote'] as const
  static readonly encryptedFields = ['secretNote'] as const
  static readonly indexes = {
    primary: { pk: (m) => tenantKey(m.tenantId, ['ticket', m.id]), sk: (m) => buildKey(['ticket', m.id]) },
    gsi1: { pk: (m) => buildKey(['ticket', m.userId]), sk: (m) => buildKey(['id', m.id]) },
  } satisfies IndexDefinitions<Ticket>
  secretNote = ''
}
const ticket = Ticket as unknown as ModelClass<Model>

t.test('the IAM check reads every model: a key outside the tenant is found', async (t) => {
  const clean: string[] = []
  checkTenantKeys(clean)
  t.strictSame(clean, [], 'the registered models keep every key inside the tenant')
  const problems: string[] = []
  checkTenantKeys(problems, [...ALL_MODELS, ticket])
  t.match(problems, [/^Ticket\.gsi1 \(gsi1_pk\) starts with neither/])
})

t.test('a model’s encrypted fields are redacted from the logs it is given', async (t) => {
  const keys = redactedKeys([...ALL_MODELS, ticket])
  t.ok(keys.has('secretnote') && keys.has('secret_note'), 'under its own and its stored name')
  t.notOk(redactedKeys(ALL_MODELS).has('secretnote'), 'not a model of the table: not redacted')
  const capture = captureLogs()
  const logger = createLogger({ env: 'test', logLevel: 'info' }, capture.stream, {}, keys)
  logger.info({ ticket: { secretNote: 'hidden', secret_note: 'hidden' } }, 'ticket read')
  t.strictSame(capture.lines()[0]?.ticket, { secretNote: REDACTION_CENSOR, secret_note: REDACTION_CENSOR })
})
