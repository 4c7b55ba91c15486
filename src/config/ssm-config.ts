// The configuration with SSM Parameter Store beneath the environment. With CONFIG_SSM_PATH set,
// every parameter under that path becomes the setting of its name (`…/jwt-secret` → JWT_SECRET,
// `…/dynamodb/max-sockets` → DYNAMODB_MAX_SOCKETS); a variable set in the environment wins over
// it, and the schema's default applies when neither has a value. The result is validated as any
// environment is, and a bad value names both the setting and the parameter.
import { z } from 'zod'
import {
  type Config,
  ConfigError,
  ENVIRONMENT_VARIABLES,
  type Environment,
  invalidConfiguration,
  loadConfig,
  presentVariables,
  processEnvironment,
} from './config.js'
import { dynamodbVariables } from './dynamodb-variables.js'
import type { RuntimeMemory } from './runtime-memory.js'
import type { SsmParameter, SsmSource } from './ssm-parameters.js'
import { ENVIRONMENT_ONLY, resolveSsmPath, ssmVariables } from './ssm-variables.js'

/** What was read from SSM: names only, never a value. */
export interface SsmReport {
  path: string
  /** The settings taken from SSM. */
  settings: string[]
  /** Settings under the path that the environment set too, and so kept its value. */
  overridden: string[]
  /** Parameter names under the path that are no setting (or only the environment may set). */
  unknown: string[]
}

export interface LoadedConfig {
  config: Readonly<Config>
  ssm: SsmReport | undefined
}

/** This process's configuration: its environment, then SSM (when CONFIG_SSM_PATH is set), then the defaults. */
export function configFromProcessAndSsm(overrides: Environment = {}): Promise<LoadedConfig> {
  return loadConfigWithSsm(processEnvironment(overrides))
}

export async function loadConfigWithSsm(
  environment: Environment,
  memory?: RuntimeMemory,
): Promise<LoadedConfig> {
  const present = presentVariables(environment)
  const source = ssmSourceOf(present)
  if (!source) return { config: loadConfig(present, memory), ssm: undefined }
  // Imported here: without CONFIG_SSM_PATH the process never loads the SSM SDK.
  const { readSsmParameters } = await import('./ssm-parameters.js')
  const parameters = await readSsmParameters(source)
  const { values, origins, unknown } = settingsOf(source.path, parameters)
  const overridden = Object.keys(values).filter((setting) => setting in present)
  for (const setting of overridden) delete origins[setting]
  const config = loadConfig({ ...values, ...present }, memory, origins)
  const settings = Object.keys(origins).sort()
  return { config, ssm: { path: source.path, settings, overridden: overridden.sort(), unknown } }
}

const sourceSchema = z.object({ ...ssmVariables, AWS_REGION: dynamodbVariables.AWS_REGION })

/** Where to read the parameters from, or undefined without CONFIG_SSM_PATH; a ConfigError when it is wrong. */
export function ssmSourceOf(present: Record<string, string>): SsmSource | undefined {
  if (present.CONFIG_SSM_PATH === undefined) return undefined
  const parsed = sourceSchema.safeParse(present)
  if (!parsed.success) throw invalidConfiguration(parsed.error.issues)
  const env = parsed.data
  const resolved = resolveSsmPath(present.CONFIG_SSM_PATH, env)
  if ('problem' in resolved)
    throw new ConfigError(`invalid configuration: CONFIG_SSM_PATH: ${resolved.problem}`)
  return {
    path: resolved.path,
    region: env.AWS_REGION,
    endpoint: env.SSM_ENDPOINT,
    useLocalCredentials: Boolean(env.SSM_ENDPOINT) && !present.AWS_ACCESS_KEY_ID,
    timeoutMs: env.CONFIG_SSM_TIMEOUT_MS,
  }
}

/** `…/dynamodb/max-sockets` under the path → DYNAMODB_MAX_SOCKETS. */
export function settingOf(path: string, name: string): string {
  return name.slice(path.length).replace(/[-/.]/g, '_').toUpperCase()
}

function settingsOf(path: string, parameters: readonly SsmParameter[]) {
  const values: Record<string, string> = {}
  const origins: Record<string, string> = {}
  const unknown: string[] = []
  for (const { name, value } of parameters) {
    const setting = settingOf(path, name)
    if (!ENVIRONMENT_VARIABLES.includes(setting) || ENVIRONMENT_ONLY.includes(setting)) {
      unknown.push(name)
      continue
    }
    const other = origins[setting]
    if (other)
      throw new ConfigError(`invalid configuration: SSM parameters ${other} and ${name} both set ${setting}`)
    values[setting] = value
    origins[setting] = `SSM parameter ${name}`
  }
  return { values, origins, unknown: unknown.sort() }
}
