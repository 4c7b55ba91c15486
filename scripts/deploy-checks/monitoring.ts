// Prometheus and Grafana of docker compose: the scrape target is the tessera service, Grafana gets
// the provisioning and dashboards the files describe, and every dashboard query names a metric
// tessera exports.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { Metrics } from '../../src/observability/metrics.js'
import { REDIS_METRICS } from '../../src/redis/redis-link.js'
import { bindMounts, COMPOSE_FILE, type ComposeFile, type ComposeService, environmentOf } from './compose.js'
import { exists, isDirectory, type Problems, readJson, readYaml } from './files.js'

export const PROMETHEUS_CONFIG = 'deploy/prometheus/prometheus.yml'
const PROMETHEUS_CONFIG_TARGET = '/etc/prometheus/prometheus.yml'
const GRAFANA_PROVISIONING = 'deploy/grafana/provisioning'
const GRAFANA_PROVISIONING_TARGET = '/etc/grafana/provisioning'

/**
 * Metrics the dashboard shows that the DynamoDB gateway and cache export (added alongside this
 * dashboard); names the running registry already has are read from it.
 */
export const GATEWAY_METRICS = {
  dynamodb_call_duration_seconds: 'histogram',
  dynamodb_retries_total: 'counter',
  dynamodb_throttles_total: 'counter',
  dynamodb_consumed_capacity_units_total: 'counter',
  cache_hits_total: 'counter',
  cache_misses_total: 'counter',
  cache_evictions_total: 'counter',
  cache_entries: 'gauge',
} as const

/** What the dashboard must show: requests, latency, errors, DynamoDB latency and capacity, cache. */
export const REQUIRED_DASHBOARD_METRICS = ['http_request_duration_seconds', ...Object.keys(GATEWAY_METRICS)]

export async function knownMetricNames(): Promise<Set<string>> {
  const exported = await new Metrics().registry.getMetricsAsJSON()
  const names = new Set<string>()
  for (const { name, type } of [
    ...exported.map((metric) => ({ name: metric.name, type: String(metric.type) })),
    ...Object.entries(GATEWAY_METRICS).map(([name, type]) => ({ name, type })),
    // Registered only when the app has a Redis to share.
    ...Object.entries(REDIS_METRICS).map(([name, type]) => ({ name, type })),
  ]) {
    names.add(name)
    if (type === 'histogram')
      for (const suffix of ['_bucket', '_count', '_sum']) names.add(`${name}${suffix}`)
  }
  return names
}

/** The metric names a PromQL expression reads: identifiers that are not functions, labels or keywords. */
export function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/"[^"]*"/g, ' ')
  const names = [...bare.matchAll(/(?<![\w:$])([a-zA-Z_:][\w:]*)(?![\w:])(?!\s*\()/g)].map(
    (match) => match[1] as string,
  )
  return names.filter((name) => !/^(and|or|unless|offset|bool|inf|nan)$/i.test(name))
}

const serviceMounting = (compose: ComposeFile, source: string) =>
  Object.entries(compose.services ?? {}).find(([, service]) =>
    bindMounts(service).some((mount) => mount.source === source),
  )

/** Where the service answers /metrics: its operations port when it has one, else its main port. */
function metricsPort(service: ComposeService): string | undefined {
  const { OPS_PORT: opsPort, PORT: port } = environmentOf(service)
  if (opsPort && opsPort !== '0') return opsPort
  const fromEnvironment = port
  if (fromEnvironment) return fromEnvironment
  const mapping = service.ports?.[0]
  return mapping ? mapping.split(':').at(-1) : undefined
}

export async function checkPrometheus(root: string, compose: ComposeFile, problems: Problems): Promise<void> {
  const found = serviceMounting(compose, PROMETHEUS_CONFIG)
  const mount = found && bindMounts(found[1]).find((m) => m.source === PROMETHEUS_CONFIG)
  if (mount?.target !== PROMETHEUS_CONFIG_TARGET) {
    problems.push(`${COMPOSE_FILE}: no service mounts ${PROMETHEUS_CONFIG} at ${PROMETHEUS_CONFIG_TARGET}`)
  }
  interface ScrapeConfig {
    job_name?: string
    static_configs?: { targets?: string[] }[]
  }
  const config = await readYaml<{ scrape_configs?: ScrapeConfig[] }>(root, PROMETHEUS_CONFIG, problems)
  const targets = (config?.scrape_configs ?? []).flatMap((job) =>
    (job.static_configs ?? []).flatMap((group) => group.targets ?? []),
  )
  if (config && targets.length === 0) problems.push(`${PROMETHEUS_CONFIG}: scrapes nothing`)
  for (const target of targets) {
    const [host, port] = target.split(':')
    const service = host ? compose.services?.[host] : undefined
    if (!service) {
      problems.push(`${PROMETHEUS_CONFIG}: target ${target} is no ${COMPOSE_FILE} service`)
    } else if (metricsPort(service) !== port) {
      problems.push(
        `${PROMETHEUS_CONFIG}: target ${target}, but ${host} serves /metrics on ${metricsPort(service)}`,
      )
    }
  }
}

interface Panel {
  type?: string
  title?: string
  datasource?: { uid?: string }
  targets?: { expr?: string; datasource?: { uid?: string } }[]
  panels?: Panel[]
}

export async function checkGrafana(root: string, compose: ComposeFile, problems: Problems): Promise<void> {
  const found = serviceMounting(compose, GRAFANA_PROVISIONING)
  if (!found || !bindMounts(found[1]).some((m) => m.target === GRAFANA_PROVISIONING_TARGET)) {
    problems.push(
      `${COMPOSE_FILE}: no service mounts ${GRAFANA_PROVISIONING} at ${GRAFANA_PROVISIONING_TARGET}`,
    )
    return
  }
  const [grafanaName, grafana] = found
  const mounts = bindMounts(grafana)

  const uids = new Set<string>()
  for (const file of yamlFiles(root, `${GRAFANA_PROVISIONING}/datasources`)) {
    const provisioned = await readYaml<{ datasources?: { uid?: string; url?: string }[] }>(
      root,
      file,
      problems,
    )
    for (const source of provisioned?.datasources ?? []) {
      if (source.uid) uids.add(source.uid)
      const host = source.url ? new URL(source.url).hostname : undefined
      if (host && !compose.services?.[host])
        problems.push(`${file}: ${source.url} is no ${COMPOSE_FILE} service`)
    }
  }
  if (uids.size === 0) problems.push(`${GRAFANA_PROVISIONING}/datasources: no datasource with a uid`)

  const dashboardFolders: string[] = []
  for (const file of yamlFiles(root, `${GRAFANA_PROVISIONING}/dashboards`)) {
    const provisioned = await readYaml<{ providers?: { options?: { path?: string } }[] }>(
      root,
      file,
      problems,
    )
    for (const provider of provisioned?.providers ?? []) {
      const mount = mounts.find((m) => m.target === provider.options?.path)
      if (!mount) problems.push(`${file}: ${provider.options?.path} is not mounted into ${grafanaName}`)
      else dashboardFolders.push(mount.source)
    }
  }
  if (dashboardFolders.length === 0)
    problems.push(`${GRAFANA_PROVISIONING}/dashboards: no dashboard provider`)

  const known = await knownMetricNames()
  const shown = new Set<string>()
  for (const folder of dashboardFolders) {
    const files = isDirectory(root, folder)
      ? readdirSync(join(root, folder)).filter((f) => f.endsWith('.json'))
      : []
    if (files.length === 0) problems.push(`${folder}: no dashboard JSON`)
    for (const file of files.map((name) => join(folder, name))) {
      const dashboard = await readJson<{ panels?: Panel[] }>(root, file, problems)
      for (const panel of (dashboard?.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])])) {
        if (panel.type === 'row') continue
        const where = `${file} "${panel.title}"`
        if (!panel.targets?.length) problems.push(`${where}: no queries`)
        for (const target of panel.targets ?? []) {
          const uid = target.datasource?.uid ?? panel.datasource?.uid
          if (!uid || !uids.has(uid)) problems.push(`${where}: datasource ${uid} is not provisioned`)
          const names = metricNamesIn(target.expr ?? '')
          if (names.length === 0) problems.push(`${where}: a query reads no metric`)
          for (const name of names) {
            if (!known.has(name)) problems.push(`${where}: ${name} is no metric tessera exports`)
            shown.add(name.replace(/_(bucket|count|sum)$/, ''))
          }
        }
      }
    }
  }
  for (const name of REQUIRED_DASHBOARD_METRICS) {
    if (dashboardFolders.length > 0 && !shown.has(name)) problems.push(`dashboards: nothing shows ${name}`)
  }
  const home = environmentOf(grafana).GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH
  const homeMount = home ? mounts.find((m) => home.startsWith(`${m.target}/`)) : undefined
  if (home && (!homeMount || !exists(root, join(homeMount.source, home.slice(homeMount.target.length))))) {
    problems.push(`${COMPOSE_FILE} ${grafanaName}: home dashboard ${home} is not a mounted file`)
  }
}

function yamlFiles(root: string, folder: string): string[] {
  if (!isDirectory(root, folder)) return []
  return readdirSync(join(root, folder))
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => join(folder, name))
}
