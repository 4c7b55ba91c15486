// The container's health check (Dockerfile HEALTHCHECK, ECS healthCheck): exits 0 when this
// container's server answers /health/live, 1 otherwise. Liveness only: a DynamoDB outage must not
// get healthy containers killed; the load balancer's readiness check handles that.
import { listenAddressFromProcess } from '../src/config/config.js'

const TIMEOUT_MS = 3_000

const { host, port } = listenAddressFromProcess()
const target = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host
try {
  const response = await fetch(
    `http://${target.includes(':') ? `[${target}]` : target}:${port}/health/live`,
    {
      signal: AbortSignal.timeout(TIMEOUT_MS),
    },
  )
  process.exit(response.ok ? 0 : 1)
} catch {
  process.exit(1)
}
