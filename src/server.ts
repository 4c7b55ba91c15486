// The process: reads the configuration, builds the app, listens, and closes cleanly on a signal.
// It never starts DynamoDB Local or creates tables; scripts/start.ts does that for development.
import { pathToFileURL } from 'node:url'
import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.js'
import { type Config, ConfigError, configFromProcess } from './config/config.js'
import { buildContainer } from './container.js'

const SHUTDOWN_GRACE_MS = 10_000

export interface RunningServer {
  app: FastifyInstance
  address: string
}

/** Builds and starts the server; `onClosed` runs after a signal has closed it. */
export async function startServer(
  config: Readonly<Config>,
  onClosed: () => Promise<void> = async () => {},
): Promise<RunningServer> {
  const app = await buildApp(buildContainer(config))
  closeWithGrace({ delay: SHUTDOWN_GRACE_MS }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'closing after an unexpected error')
    else app.log.info({ signal }, 'closing')
    await app.close()
    await onClosed()
  })
  const address = await app.listen({ host: config.host, port: config.port })
  return { app, address }
}

async function main(): Promise<void> {
  let config: Readonly<Config>
  try {
    config = configFromProcess()
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    console.error(error.message)
    process.exit(1)
  }
  await startServer(config)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
