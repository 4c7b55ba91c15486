// docker-compose.yml: every file and folder it names exists, every compiled script it runs has a
// source, and the environment it gives tessera is one the configuration accepts.
import { join, normalize } from 'node:path'
import { ENVIRONMENT_VARIABLES, loadConfig } from '../../src/config/config.js'
import { exists, isDirectory, type Problems, readYaml, sourceOfBuilt } from './files.js'

export const COMPOSE_FILE = 'docker-compose.yml'

export interface ComposeService {
  image?: string
  build?: string | { context?: string; dockerfile?: string }
  command?: string | string[]
  environment?: Record<string, string | number | boolean> | string[]
  volumes?: (string | { type?: string; source?: string; target?: string })[]
  env_file?: string | string[]
  depends_on?: string[] | Record<string, unknown>
  ports?: string[]
}

export interface ComposeFile {
  services?: Record<string, ComposeService>
}

export interface Mount {
  /** Relative to the project root, normalised (`deploy/prometheus/prometheus.yml`). */
  source: string
  target: string
}

/** Bind mounts of a service (`./here:/there[:ro]` or the long syntax). */
export function bindMounts(service: ComposeService): Mount[] {
  return (service.volumes ?? []).flatMap((volume) => {
    if (typeof volume === 'string') {
      const [source, target] = volume.split(':')
      return source?.startsWith('.') && target ? [{ source: normalize(source), target }] : []
    }
    return volume.type === 'bind' && volume.source && volume.target
      ? [{ source: normalize(volume.source), target: volume.target }]
      : []
  })
}

export function environmentOf(service: ComposeService): Record<string, string> {
  const { environment } = service
  if (!environment) return {}
  if (Array.isArray(environment)) {
    return Object.fromEntries(environment.map((entry) => entry.split('=', 2) as [string, string]))
  }
  return Object.fromEntries(Object.entries(environment).map(([name, value]) => [name, String(value)]))
}

export async function checkCompose(root: string, problems: Problems): Promise<ComposeFile | undefined> {
  const compose = await readYaml<ComposeFile>(root, COMPOSE_FILE, problems)
  const services = compose?.services
  if (!services || Object.keys(services).length === 0) {
    if (compose) problems.push(`${COMPOSE_FILE}: no services`)
    return undefined
  }
  for (const [name, service] of Object.entries(services)) {
    const where = `${COMPOSE_FILE} ${name}`
    if (!service.image && !service.build) problems.push(`${where}: neither image nor build`)
    if (service.build) {
      const build = typeof service.build === 'string' ? { context: service.build } : service.build
      const context = build.context ?? '.'
      if (!isDirectory(root, context)) problems.push(`${where}: build context ${context} does not exist`)
      const dockerfile = join(context, build.dockerfile ?? 'Dockerfile')
      if (!exists(root, dockerfile)) problems.push(`${where}: ${dockerfile} does not exist`)
      checkEnvironment(where, environmentOf(service), problems)
      const redisHost = hostOf(environmentOf(service).REDIS_URL)
      if (redisHost && !services[redisHost])
        problems.push(`${where}: REDIS_URL names ${redisHost}, which is no service`)
    }
    for (const mount of bindMounts(service)) {
      if (!exists(root, mount.source)) problems.push(`${where}: mounts ${mount.source}, which does not exist`)
    }
    for (const file of [service.env_file ?? []].flat()) {
      if (!exists(root, file)) problems.push(`${where}: env_file ${file} does not exist`)
    }
    const dependencies = Array.isArray(service.depends_on)
      ? service.depends_on
      : Object.keys(service.depends_on ?? {})
    for (const dependency of dependencies) {
      if (!services[dependency]) problems.push(`${where}: depends on ${dependency}, which is no service`)
    }
    const command =
      typeof service.command === 'string' ? service.command.split(/\s+/) : (service.command ?? [])
    for (const argument of command) {
      const source = sourceOfBuilt(argument)
      if (source && !exists(root, source))
        problems.push(`${where}: runs ${argument}, but ${source} does not exist`)
    }
  }
  return compose
}

function hostOf(url: string | undefined): string | undefined {
  return url && URL.canParse(url) ? new URL(url).hostname : undefined
}

/** The variables handed to tessera must be ones it reads, and together a valid configuration. */
export function checkEnvironment(
  where: string,
  environment: Record<string, string>,
  problems: Problems,
): void {
  for (const name of Object.keys(environment)) {
    if (!ENVIRONMENT_VARIABLES.includes(name)) problems.push(`${where}: ${name} is not a tessera setting`)
  }
  try {
    loadConfig(environment)
  } catch (error) {
    problems.push(`${where}: ${(error as Error).message}`)
  }
}
