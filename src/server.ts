// The process: reads the configuration, builds the app, listens, and shuts down cleanly on a
// signal. It never starts DynamoDB Local or creates tables; scripts/start.ts does that.
//
// Shutdown (SIGTERM from ECS, or Ctrl-C), all within SHUTDOWN_TIMEOUT_MS:
//   1. readiness answers 503 (lifecycle plugin); requests are still served as before
//   2. SHUTDOWN_DRAIN_DELAY_MS passes (0 by default: ECS deregisters the task before SIGTERM)
//   3. the listeners close (new connections are refused), every answer from then on closes its
//      connection, quiet keep-alive connections are closed, and requests in flight finish
//      (gentle-close.ts: no request sent on a kept-alive connection is lost)
//   4. the DynamoDB client is released and the process exits 0 — or 1 if the budget ran out

import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.js'
import { type Config, ConfigError } from './config/config.js'
import { configFromProcessAndSsm, type SsmReport } from './config/ssm-config.js'
import { buildContainer } from './container.js'
import { closeConnectionsGently } from './http/gentle-close.js'

export interface RunningServer {
  app: FastifyInstance
  address: string
}

export interface StartOptions {
  /** Runs after a signal has closed the server. */
  onClosed?: () => Promise<void>
  /** What the configuration took from SSM, to be logged (names only). */
  ssm?: SsmReport | undefined
}

/** Builds and starts the server. */
export async function startServer(
  config: Readonly<Config>,
  { onClosed = async () => {}, ssm }: StartOptions = {},
): Promise<RunningServer> {
  const app = await buildApp(buildContainer(config), {
    fastify: {
      // Above the ALB's 60 s idle timeout: the balancer, not us, closes idle connections, so it
      // never sends a request on a socket we are closing (which it would answer with a 502).
      keepAliveTimeout: config.http.keepAliveTimeoutMs,
      requestTimeout: config.http.requestTimeoutMs,
      http: {
        headersTimeout: config.http.headersTimeoutMs,
        requestTimeout: config.http.requestTimeoutMs,
        // Node looks for expired requests every 30 s by default, which would stretch the timeouts.
        connectionsCheckingInterval: 1_000,
      },
    },
  })

  if (ssm) logSsmReport(app, ssm)
  for (const server of [app.server, app.opsServer]) if (server) closeConnectionsGently(server)

  closeWithGrace(
    {
      delay: config.shutdown.timeoutMs,
      logger: { error: (message: unknown) => app.log.error({ detail: String(message) }, 'shutdown') },
      onTimeout: (delay) => {
        app.log.error({ timeoutMs: delay }, 'shutdown budget spent; closing the remaining connections')
        app.server.closeAllConnections()
      },
    },
    async ({ signal, err }) => {
      const started = performance.now()
      if (err) app.log.error({ err }, 'shutting down after an unexpected error')
      else app.log.info({ signal }, 'shutting down')
      app.startDraining()
      await sleep(config.shutdown.drainDelayMs)
      // Before app.close(), which marks answers `Connection: close` as it starts: no client may be
      // told to reconnect while the listener still accepts.
      app.server.close()
      app.opsServer?.close()
      await app.close()
      app.log.info({ durationMs: Math.round(performance.now() - started) }, 'shut down')
      await onClosed()
    },
  )
  const address = await app.listen({ host: config.host, port: config.port })
  if (app.opsServer) await listenForOperations(app, app.opsServer, config)
  return { app, address }
}

function logSsmReport(app: FastifyInstance, { path, settings, overridden, unknown }: SsmReport) {
  app.log.info({ ssmPath: path, settings, overridden }, 'configuration read from SSM')
  if (unknown.length > 0)
    app.log.warn({ ssmPath: path, parameters: unknown }, 'parameters under the SSM path that are no setting')
}

/** The operations listener (OPS_PORT), on the same host; app.close() closes it. */
async function listenForOperations(app: FastifyInstance, server: Server, config: Readonly<Config>) {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(config.opsPort, config.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  app.log.info({ host: config.host, port }, 'operations endpoints (/metrics, /health) on their own port')
}

async function main(): Promise<void> {
  let loaded: Awaited<ReturnType<typeof configFromProcessAndSsm>>
  try {
    loaded = await configFromProcessAndSsm()
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    console.error(error.message)
    process.exit(1)
  }
  await startServer(loaded.config, { ssm: loaded.ssm })
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
