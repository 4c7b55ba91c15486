// The tenant-confined task role: every item action is limited to partition keys that start with
// `tenant#${aws:PrincipalTag/tenant_id}#` (plus the health probe's key). That only isolates
// tenants if every index's partition key, not just the table's, starts that way — checked here
// against the models too.
import { keyAttributes, TenantModel, tenantKeyPrefix } from '../../src/models/index.js'
import { HEALTH_PROBE_KEY } from '../../src/observability/dynamodb-health.js'
import { ALL_MODELS } from '../../src/resources/index.js'
import { type Problems, readJson } from './files.js'

export const TENANT_POLICY = 'deploy/iam/tenant-task-role-policy.json'
export const POLICIES = [
  TENANT_POLICY,
  'deploy/iam/task-role-policy.json',
  'deploy/iam/execution-role-policy.json',
]
// biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a template
export const TENANT_LEADING_KEY = 'tenant#${aws:PrincipalTag/tenant_id}#*'

// Actions that carry partition keys, so dynamodb:LeadingKeys applies to them.
const ITEM_ACTIONS = new Set([
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
])
// Allowed without LeadingKeys in the tenant policy: they read no items.
const TABLE_ACTIONS = new Set(['dynamodb:DescribeTable'])

interface Statement {
  Sid?: string
  Effect?: string
  Action?: string | string[]
  Condition?: Record<string, Record<string, string | string[]>>
}

export async function checkPolicies(root: string, problems: Problems): Promise<void> {
  for (const path of POLICIES) {
    const policy = await readJson<{ Version?: string; Statement?: Statement[] }>(root, path, problems)
    if (policy && policy.Version !== '2012-10-17') problems.push(`${path}: Version must be 2012-10-17`)
    if (path === TENANT_POLICY && policy) checkTenantPolicy(policy.Statement ?? [], problems)
  }
  checkTenantKeys(problems)
}

function checkTenantPolicy(statements: Statement[], problems: Problems): void {
  let confined = false
  for (const statement of statements.filter((s) => s.Effect === 'Allow')) {
    const where = `${TENANT_POLICY} ${statement.Sid ?? 'statement'}`
    const actions = [statement.Action ?? []].flat()
    const unconfinable = actions.filter((a) => !ITEM_ACTIONS.has(a) && !TABLE_ACTIONS.has(a))
    if (unconfinable.length > 0)
      problems.push(`${where}: ${unconfinable.join(', ')} cannot be confined to a tenant`)
    if (!actions.some((a) => ITEM_ACTIONS.has(a))) continue
    const condition = statement.Condition ?? {}
    const leadingKeys = [
      condition['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] ?? [],
      condition['ForAllValues:StringEquals']?.['dynamodb:LeadingKeys'] ?? [],
    ].flat()
    // ForAllValues is true when the key is absent, so its presence must be required too.
    if (condition.Null?.['dynamodb:LeadingKeys'] !== 'false')
      problems.push(`${where}: LeadingKeys is not required`)
    if (leadingKeys.length === 0) problems.push(`${where}: item actions without a LeadingKeys condition`)
    for (const key of leadingKeys) {
      if (key === TENANT_LEADING_KEY) confined = true
      else if (key !== HEALTH_PROBE_KEY.pk)
        problems.push(`${where}: LeadingKeys ${key} is neither the tenant's nor the probe's`)
    }
    if (leadingKeys.includes(HEALTH_PROBE_KEY.pk) && actions.some((a) => a !== 'dynamodb:GetItem')) {
      problems.push(`${where}: the health probe key needs GetItem only`)
    }
  }
  if (!confined) problems.push(`${TENANT_POLICY}: nothing grants ${TENANT_LEADING_KEY}`)
}

// Platform data (e.g. the platform admins' list of tenants) is owned by no tenant and kept under
// this prefix; a tenant-confined role can never reach it, which is the point.
export const PLATFORM_KEY_PREFIX = 'platform#'

/** Every index partition key of every tenant-owned model is the tenant's, or platform data. */
export function checkTenantKeys(problems: Problems, models = ALL_MODELS): void {
  for (const model of models) {
    const sample = new model()
    if (!(sample instanceof TenantModel)) continue
    Object.assign(sample, { id: 'sample-id', tenantId: 'sample-tenant', userId: 'sample-user' })
    Object.assign(sample, { createdUtc: '2024-01-01T00:00:00.000Z', updatedUtc: '2024-01-01T00:00:00.000Z' })
    for (const [index, definition] of Object.entries(model.indexes)) {
      const where = `${model.name}.${index} (${keyAttributes(index as 'primary').pk})`
      let key: string | undefined
      try {
        key = definition?.pk(sample)
      } catch (error) {
        problems.push(`${where}: cannot build a sample key (${(error as Error).message})`)
        continue
      }
      if (!key?.startsWith(tenantKeyPrefix('sample-tenant')) && !key?.startsWith(PLATFORM_KEY_PREFIX)) {
        problems.push(`${where} starts with neither tenant#<tenantId># nor ${PLATFORM_KEY_PREFIX}: ${key}`)
      }
    }
  }
}
