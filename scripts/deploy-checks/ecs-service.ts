// The ECS service: how a rolling deploy replaces tasks. It never runs below the desired count
// (new tasks start and turn healthy before old ones are drained), it sends the ALB's traffic to
// the container port the server listens on, and a starting task has time to turn healthy before
// ECS acts on the ALB's health checks.
import { type Problems, readJson } from './files.js'

export const SERVICE_DEFINITION = 'deploy/ecs/service.json'

interface Service {
  healthCheckGracePeriodSeconds?: number
  deploymentConfiguration?: { minimumHealthyPercent?: number; maximumPercent?: number }
  loadBalancers?: { containerName?: string; containerPort?: number }[]
}

export interface ServiceContext {
  port: number
  /** The container health check's startPeriod (s). */
  startPeriodSeconds: number | undefined
  targetGroup: Record<string, unknown>
}

export async function checkService(root: string, context: ServiceContext, problems: Problems): Promise<void> {
  const service = await readJson<Service>(root, SERVICE_DEFINITION, problems)
  if (!service) return
  const where = SERVICE_DEFINITION
  const target = service.loadBalancers?.find((balancer) => balancer.containerName === 'tessera')
  if (!target) problems.push(`${where}: no load balancer sends to the tessera container`)
  else if (target.containerPort !== context.port)
    problems.push(
      `${where}: the load balancer sends to port ${target.containerPort}, the server listens on ${context.port}`,
    )

  const { minimumHealthyPercent = 100, maximumPercent = 200 } = service.deploymentConfiguration ?? {}
  if (minimumHealthyPercent < 100)
    problems.push(
      `${where}: minimumHealthyPercent ${minimumHealthyPercent}: a deploy would stop tasks before their replacements serve`,
    )
  if (maximumPercent <= minimumHealthyPercent)
    problems.push(`${where}: maximumPercent ${maximumPercent} leaves no room to start a replacement first`)

  const grace = service.healthCheckGracePeriodSeconds ?? 0
  const healthyAfter =
    Number(context.targetGroup.HealthyThresholdCount ?? 5) *
    Number(context.targetGroup.HealthCheckIntervalSeconds ?? 30)
  const needed = Math.max(context.startPeriodSeconds ?? 0, healthyAfter)
  if (grace < needed)
    problems.push(
      `${where}: healthCheckGracePeriodSeconds ${grace} is below the ${needed} s a new task needs to turn healthy`,
    )
}
