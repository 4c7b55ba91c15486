// The environment schema: every variable tessera reads, grouped as docs/configuration.md shows
// them, and the rules that tie several of them together.
import { z } from 'zod'
import { backupVariables } from './backup-variables.js'
import { dynamodbVariables } from './dynamodb-variables.js'
import { operationsVariables } from './operations-variables.js'
import {
  DEVELOPMENT_BLIND_INDEX_KEY,
  DEVELOPMENT_MASTER_KEYS,
  securityVariables,
} from './security-variables.js'
import { DEVELOPMENT_JWT_SECRET, serverVariables, tokenVariables } from './server-variables.js'
import { resolveSsmPath, ssmVariables } from './ssm-variables.js'
import { usageVariables } from './usage-variables.js'

/** The variables by topic, in the order the configuration table lists them. */
export const VARIABLE_GROUPS = [
  { title: 'Server', variables: serverVariables },
  { title: 'Configuration from SSM', variables: ssmVariables },
  { title: 'Tokens and cursors', variables: tokenVariables },
  { title: 'DynamoDB and the item cache', variables: dynamodbVariables },
  { title: 'Operations', variables: operationsVariables },
  { title: 'Tenancy and security', variables: securityVariables },
  { title: 'Backups', variables: backupVariables },
  { title: 'Usage metering', variables: usageVariables },
] as const

export const envSchema = z
  .object({
    ...serverVariables,
    ...ssmVariables,
    ...tokenVariables,
    ...dynamodbVariables,
    ...operationsVariables,
    ...securityVariables,
    ...backupVariables,
    ...usageVariables,
  })
  .superRefine((env, ctx) => {
    // Operations: the drain delay is part of the shutdown budget, and Node refuses a request
    // timeout shorter than the headers timeout (which sits 1 s above keep-alive).
    if (env.SHUTDOWN_DRAIN_DELAY_MS >= env.SHUTDOWN_TIMEOUT_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['SHUTDOWN_DRAIN_DELAY_MS'],
        message: 'must be shorter than SHUTDOWN_TIMEOUT_MS',
      })
    }
    if (env.OPS_PORT !== 0 && env.OPS_PORT === env.PORT) {
      ctx.addIssue({ code: 'custom', path: ['OPS_PORT'], message: 'must differ from PORT (or be 0: none)' })
    }
    if (env.HTTP_REQUEST_TIMEOUT_MS !== 0 && env.HTTP_REQUEST_TIMEOUT_MS < headersTimeoutMs(env)) {
      ctx.addIssue({
        code: 'custom',
        path: ['HTTP_REQUEST_TIMEOUT_MS'],
        message: 'must be 0 (off) or at least HTTP_KEEP_ALIVE_TIMEOUT_MS + 1000',
      })
    }
    const ssmPath = env.CONFIG_SSM_PATH === undefined ? undefined : resolveSsmPath(env.CONFIG_SSM_PATH, env)
    if (ssmPath && 'problem' in ssmPath) {
      ctx.addIssue({ code: 'custom', path: ['CONFIG_SSM_PATH'], message: ssmPath.problem })
    }
    if (env.NODE_ENV !== 'production') return
    if (!env.JWT_JWKS_URL && (!env.JWT_SECRET || env.JWT_SECRET === DEVELOPMENT_JWT_SECRET)) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_SECRET'],
        message: 'production needs JWT_JWKS_URL or a JWT_SECRET other than the development default',
      })
    }
    if (!env.CURSOR_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['CURSOR_SECRET'], message: 'production needs a CURSOR_SECRET' })
    }
    if (!env.KMS_KEY_ID && (!env.LOCAL_MASTER_KEYS || env.LOCAL_MASTER_KEYS === DEVELOPMENT_MASTER_KEYS)) {
      ctx.addIssue({
        code: 'custom',
        path: ['KMS_KEY_ID'],
        message: 'production needs KMS_KEY_ID (or LOCAL_MASTER_KEYS other than the development key)',
      })
    }
    if (!env.BLIND_INDEX_KEY || env.BLIND_INDEX_KEY === DEVELOPMENT_BLIND_INDEX_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['BLIND_INDEX_KEY'],
        message: 'production needs a BLIND_INDEX_KEY',
      })
    }
  })

export type Env = z.infer<typeof envSchema>

/** Every variable the configuration reads; deployment checks refuse names outside this list. */
export const ENVIRONMENT_VARIABLES: readonly string[] = Object.keys(envSchema.shape)

/** Above the keep-alive timeout, so Node never cuts a kept-alive connection the load balancer still uses. */
export function headersTimeoutMs(env: { HTTP_KEEP_ALIVE_TIMEOUT_MS: number }): number {
  return env.HTTP_KEEP_ALIVE_TIMEOUT_MS + 1_000
}
