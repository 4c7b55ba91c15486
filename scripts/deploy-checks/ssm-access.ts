// A task that reads its configuration from SSM (CONFIG_SSM_PATH) needs its task role to allow
// ssm:GetParametersByPath on that path, which SSM authorises against the path asked for, not the
// parameters returned, and kms:Decrypt through SSM for its SecureStrings.
import { resolveSsmPath } from '../../src/config/ssm-variables.js'
import { type Problems, readJson } from './files.js'

export const TASK_ROLE_POLICY = 'deploy/iam/task-role-policy.json'

interface Statement {
  Effect?: string
  Action?: string | string[]
  Resource?: string | string[]
  Condition?: Record<string, Record<string, string | string[]>>
}

export interface SsmTask {
  environment: Record<string, string>
  /** The task role's ARN, for the account the parameters are in. */
  taskRoleArn: string | undefined
}

export async function checkSsmAccess(root: string, task: SsmTask, problems: Problems): Promise<void> {
  const { CONFIG_SSM_PATH: template, AWS_REGION: region = 'us-east-1' } = task.environment
  if (!template) return
  const resolved = resolveSsmPath(template, task.environment)
  if ('problem' in resolved) return // the environment check has said so
  const account = /^arn:aws:iam::(\d{12}):/.exec(task.taskRoleArn ?? '')?.[1] ?? '*'
  const policy = await readJson<{ Statement?: Statement[] }>(root, TASK_ROLE_POLICY, problems)
  if (!policy) return
  const allowed = (policy.Statement ?? []).filter((statement) => statement.Effect === 'Allow')
  const pathArn = `arn:aws:ssm:${region}:${account}:parameter${resolved.path.replace(/\/$/, '')}`
  const readsPath = allowed.some(
    (statement) =>
      grants(statement, 'ssm:GetParametersByPath') &&
      [pathArn, `${pathArn}/`].every((arn) => [statement.Resource ?? []].flat().some((r) => matches(r, arn))),
  )
  if (!readsPath)
    problems.push(
      `${TASK_ROLE_POLICY}: nothing allows ssm:GetParametersByPath on ${pathArn} (CONFIG_SSM_PATH)`,
    )
  const viaSsm = `ssm.${region}.amazonaws.com`
  // A statement with conditions counts only if they let SSM through (field encryption's do not).
  const decrypts = allowed.some(
    (statement) =>
      grants(statement, 'kms:Decrypt') &&
      (statement.Condition === undefined ||
        [statement.Condition.StringEquals?.['kms:ViaService'] ?? []].flat().includes(viaSsm)),
  )
  if (!decrypts)
    problems.push(`${TASK_ROLE_POLICY}: nothing allows kms:Decrypt through ${viaSsm} (SecureStrings)`)
}

function grants(statement: Statement, action: string): boolean {
  return [statement.Action ?? []].flat().some((pattern) => matches(pattern, action))
}

/** IAM's wildcards: `*` any run of characters, `?` any one. */
function matches(pattern: string, value: string): boolean {
  const expression = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${expression}$`).test(value)
}
