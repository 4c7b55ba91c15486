// Settings from SSM Parameter Store: the path whose parameters are read at start-up, what fills
// its template, and where SSM is. These come from the environment only: they say where to look.
import { z } from 'zod'
import { httpUrl, integer } from './env-values.js'

/** What `{{NAME}}` in CONFIG_SSM_PATH may name; each is filled from the variable of that name. */
export const SSM_PATH_TEMPLATE_VARIABLES = ['ORGANIZATION_NAME', 'ENVIRONMENT'] as const

// SSM's own rule for the characters of a parameter name.
const PATH_SEGMENT = /^[A-Za-z0-9_.-]+$/

const pathSegment = z.string().regex(PATH_SEGMENT, 'may hold only letters, digits, `_`, `.` and `-`')

export const ssmVariables = {
  CONFIG_SSM_PATH: z
    .string()
    .optional()
    .meta({
      description:
        'at start-up, every parameter under this path (recursively, decrypted) becomes the setting of its name: ' +
        '`…/jwt-secret` is `JWT_SECRET`; a variable set in the environment still wins. `{{ORGANIZATION_NAME}}` ' +
        'and `{{ENVIRONMENT}}` are filled in, e.g. `/{{ORGANIZATION_NAME}}/{{ENVIRONMENT}}/tessera/`',
    }),
  ORGANIZATION_NAME: pathSegment
    .optional()
    .meta({ description: 'fills `{{ORGANIZATION_NAME}}` in `CONFIG_SSM_PATH`' }),
  ENVIRONMENT: pathSegment.optional().meta({ description: 'fills `{{ENVIRONMENT}}` in `CONFIG_SSM_PATH`' }),
  CONFIG_SSM_TIMEOUT_MS: integer(100, 120_000).default(10_000).meta({
    description: 'start-up fails when the parameters are not all read by then (retries included)',
  }),
  SSM_ENDPOINT: httpUrl.optional().meta({ description: 'an SSM-compatible endpoint; unset means AWS SSM' }),
}

/**
 * Settings no parameter can set: those that say where the configuration is, and where the server
 * listens, which the container health check reads from the environment alone.
 */
export const ENVIRONMENT_ONLY: readonly string[] = [
  ...Object.keys(ssmVariables),
  'AWS_REGION',
  'HOST',
  'PORT',
]

export type SsmPath = { path: string } | { problem: string }

/** CONFIG_SSM_PATH with its template filled in from `environment`, or why it cannot be. */
export function resolveSsmPath(
  template: string,
  environment: { ORGANIZATION_NAME?: string | undefined; ENVIRONMENT?: string | undefined },
): SsmPath {
  let missing: string | undefined
  const filled = template.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (placeholder, name: string) => {
    if (!(SSM_PATH_TEMPLATE_VARIABLES as readonly string[]).includes(name)) return placeholder
    const value = environment[name as (typeof SSM_PATH_TEMPLATE_VARIABLES)[number]]
    if (!value) missing ??= name
    return value ?? placeholder
  })
  if (missing) return { problem: `{{${missing}}} needs ${missing} to be set` }
  const unfilled = /\{\{[^}]*\}\}|\{\{|\}\}/.exec(filled)
  if (unfilled) {
    const names = SSM_PATH_TEMPLATE_VARIABLES.map((name) => `{{${name}}}`).join(' and ')
    return { problem: `${unfilled[0]} is not filled in (only ${names} are)` }
  }
  if (!filled.startsWith('/') || !filled.endsWith('/') || filled.length < 2)
    return { problem: 'must start and end with /' }
  const segments = filled.slice(1, -1).split('/')
  if (!segments.every((segment) => PATH_SEGMENT.test(segment)))
    return { problem: 'each part between slashes must be letters, digits, `_`, `.` or `-`' }
  if (/^(aws|ssm)$/i.test(segments[0] ?? ''))
    return { problem: 'paths under /aws and /ssm are reserved by AWS' }
  return { path: filled }
}
