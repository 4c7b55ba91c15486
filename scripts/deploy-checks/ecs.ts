// The ECS task definition and the ALB in front of it must agree with each other and with the
// server's own timings:
//   ALB idle timeout        <  HTTP_KEEP_ALIVE_TIMEOUT_MS  (the ALB closes idle connections first)
//   deregistration delay    <  SHUTDOWN_TIMEOUT_MS  <  stopTimeout  (no SIGKILL mid-request)
//   ALB health-check timeout > HEALTH_PROBE_TIMEOUT_MS   (a slow probe still answers in time)
//   service health-check grace >= what a new task needs to turn healthy (ecs-service.ts)
// and /metrics stays off the port the ALB forwards to: the task sets OPS_PORT and maps it. Load
// shedding is sized from the task's memory: MEMORY_LIMIT_BYTES is set and within it.
import { type Config, loadConfig } from '../../src/config/config.js'
import { checkEnvironment } from './compose.js'
import { checkService } from './ecs-service.js'
import { type Problems, readJson, sourceOfBuilt } from './files.js'
import { checkSsmAccess } from './ssm-access.js'

export const TASK_DEFINITION = 'deploy/ecs/task-definition.json'
export const LOAD_BALANCER_TEMPLATE = 'deploy/ecs/load-balancer.template.json'

interface ContainerDefinition {
  name?: string
  image?: string
  portMappings?: { containerPort?: number }[]
  environment?: { name: string; value: string }[]
  secrets?: { name: string; valueFrom: string }[]
  healthCheck?: { command?: string[]; startPeriod?: number }
  stopTimeout?: number
  logConfiguration?: { logDriver?: string; options?: Record<string, string> }
}

interface Resource {
  Type?: string
  Properties?: Record<string, unknown>
}

const SECRET_ARN = /^arn:aws:(ssm:[\w-]+:\d{12}:parameter\/|secretsmanager:[\w-]+:\d{12}:secret:)\S+$/

export async function checkEcs(root: string, dockerEntryPoints: string[], problems: Problems): Promise<void> {
  const task = await readJson<{
    taskRoleArn?: string
    networkMode?: string
    memory?: string
    containerDefinitions?: ContainerDefinition[]
  }>(root, TASK_DEFINITION, problems)
  const container = task?.containerDefinitions?.find((definition) => definition.name === 'tessera')
  if (!container) {
    if (task) problems.push(`${TASK_DEFINITION}: no container named tessera`)
    return
  }
  const where = `${TASK_DEFINITION} tessera`
  const environment = Object.fromEntries(
    (container.environment ?? []).map(({ name, value }) => [name, value]),
  )
  for (const secret of container.secrets ?? []) {
    if (!SECRET_ARN.test(secret.valueFrom))
      problems.push(`${where}: ${secret.name} is not read from SSM or Secrets Manager`)
  }
  // Secrets arrive as variables at run time; a placeholder stands in for each here.
  const withSecrets = {
    ...environment,
    ...Object.fromEntries(
      (container.secrets ?? []).map(({ name }) => [name, 'placeholder-secret-value-of-32-chars']),
    ),
  }
  checkEnvironment(where, withSecrets, problems)
  await checkSsmAccess(root, { environment, taskRoleArn: task?.taskRoleArn }, problems)
  let config: Readonly<Config>
  try {
    config = loadConfig(withSecrets)
  } catch {
    return
  }
  if (config.env !== 'production') problems.push(`${where}: NODE_ENV is not production`)
  // ElastiCache encrypts in transit only for TLS clients (and serverless caches require it).
  if (config.redisUrl?.startsWith('redis:'))
    problems.push(`${where}: REDIS_URL is not TLS (rediss://), as ElastiCache's in-transit encryption needs`)

  const port = container.portMappings?.[0]?.containerPort
  if (port !== config.port)
    problems.push(`${where}: maps port ${port}, but the server listens on ${config.port}`)
  if (config.opsPort === 0) {
    problems.push(`${where}: no OPS_PORT, so /metrics is served on the port the load balancer forwards`)
  } else if (!container.portMappings?.some((mapping) => mapping.containerPort === config.opsPort)) {
    problems.push(`${where}: OPS_PORT ${config.opsPort} is not in portMappings`)
  }
  const taskMemoryBytes = Number(task?.memory) * 1024 ** 2
  if (environment.MEMORY_LIMIT_BYTES === undefined) {
    problems.push(`${where}: no MEMORY_LIMIT_BYTES, so load shedding is sized from what the VM reports`)
  } else if (!(config.loadShedding.memoryLimitBytes <= taskMemoryBytes)) {
    problems.push(
      `${where}: MEMORY_LIMIT_BYTES ${config.loadShedding.memoryLimitBytes} is above the task's memory (${task?.memory} MiB)`,
    )
  }
  const stopTimeoutMs = (container.stopTimeout ?? 30) * 1_000
  if (config.shutdown.timeoutMs >= stopTimeoutMs) {
    problems.push(
      `${where}: SHUTDOWN_TIMEOUT_MS ${config.shutdown.timeoutMs} is not below stopTimeout ${stopTimeoutMs / 1000} s`,
    )
  }
  const healthcheck = (container.healthCheck?.command ?? []).flatMap((arg) => sourceOfBuilt(arg) ?? [])
  if (healthcheck.length === 0 || !healthcheck.every((source) => dockerEntryPoints.includes(source))) {
    problems.push(`${where}: the health check does not run the image's health-check script`)
  }
  const logs = container.logConfiguration
  if (logs?.logDriver !== 'awslogs') problems.push(`${where}: logs do not go to awslogs`)
  for (const option of ['awslogs-group', 'awslogs-region', 'awslogs-stream-prefix']) {
    if (!logs?.options?.[option]) problems.push(`${where}: awslogs without ${option}`)
  }
  // Blocking mode stalls the event loop whenever CloudWatch is slow to take the lines.
  if (logs?.options?.mode !== 'non-blocking') problems.push(`${where}: awslogs is not in non-blocking mode`)

  const targetGroup = await checkLoadBalancer(
    root,
    config,
    { port, networkMode: task?.networkMode },
    problems,
  )
  if (targetGroup) {
    const startPeriodSeconds = container.healthCheck?.startPeriod
    await checkService(root, { port: config.port, startPeriodSeconds, targetGroup }, problems)
  }
}

async function checkLoadBalancer(
  root: string,
  config: Readonly<Config>,
  task: { port: number | undefined; networkMode: string | undefined },
  problems: Problems,
): Promise<Record<string, unknown> | undefined> {
  const template = await readJson<{ Resources?: Record<string, Resource> }>(
    root,
    LOAD_BALANCER_TEMPLATE,
    problems,
  )
  const resources = Object.values(template?.Resources ?? {})
  const targetGroup = resources.find((r) => r.Type === 'AWS::ElasticLoadBalancingV2::TargetGroup')?.Properties
  const loadBalancer = resources.find(
    (r) => r.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer',
  )?.Properties
  if (!targetGroup || !loadBalancer) {
    if (template) problems.push(`${LOAD_BALANCER_TEMPLATE}: needs a TargetGroup and a LoadBalancer`)
    return undefined
  }
  const where = LOAD_BALANCER_TEMPLATE
  if (targetGroup.HealthCheckPath !== '/health/ready')
    problems.push(`${where}: the health check is not /health/ready`)
  if (targetGroup.Port !== task.port)
    problems.push(`${where}: target port ${targetGroup.Port}, container port ${task.port}`)
  if (task.networkMode === 'awsvpc' && targetGroup.TargetType !== 'ip') {
    problems.push(`${where}: awsvpc tasks need TargetType ip`)
  }
  if (Number(targetGroup.HealthCheckTimeoutSeconds) * 1_000 <= config.health.probeTimeoutMs) {
    problems.push(`${where}: the health-check timeout is not above HEALTH_PROBE_TIMEOUT_MS`)
  }
  const deregistration = attribute(targetGroup.TargetGroupAttributes, 'deregistration_delay.timeout_seconds')
  if (deregistration === undefined || deregistration * 1_000 >= config.shutdown.timeoutMs) {
    problems.push(`${where}: deregistration delay ${deregistration} s is not below SHUTDOWN_TIMEOUT_MS`)
  }
  const idle = attribute(loadBalancer.LoadBalancerAttributes, 'idle_timeout.timeout_seconds') ?? 60
  if (idle * 1_000 >= config.http.keepAliveTimeoutMs) {
    problems.push(`${where}: ALB idle timeout ${idle} s is not below HTTP_KEEP_ALIVE_TIMEOUT_MS`)
  }
  return targetGroup
}

function attribute(attributes: unknown, key: string): number | undefined {
  const found = (attributes as { Key: string; Value: string }[] | undefined)?.find((a) => a.Key === key)
  return found ? Number(found.Value) : undefined
}
