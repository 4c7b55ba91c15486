// What every data-lifecycle script starts from: the same configuration and DynamoDB client as the
// server (so `DYNAMODB_ENDPOINT`, the region and the table name mean the same thing), and a signal
// that Ctrl-C or SIGTERM raises, so a run stops after its current page and can be resumed.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { InvalidArgumentError } from 'commander'
import { type Config, configFromProcess } from '../config/config.js'
import { createDynamoDbClient } from '../db/dynamodb-client.js'

export interface ScriptContext {
  config: Config
  client: DynamoDBClient
  tableName: string
  /** Aborted on the first SIGINT or SIGTERM; a second one ends the process at once. */
  signal: AbortSignal
  close(): void
}

/**
 * The shortest time a script's DynamoDB call may take. The server's timeout (3 s by default) is
 * sized for single-item calls; a script's scan page reads up to 1 MB, which a busy DynamoDB (or
 * DynamoDB Local on a laptop) can take several seconds to answer, and a timed-out page is only
 * read again.
 */
export const SCRIPT_REQUEST_TIMEOUT_MS = 30_000

export function scriptContext(options: { tableName?: string } = {}): ScriptContext {
  const config = configFromProcess()
  const client = createDynamoDbClient(scriptClientSettings(config))
  const controller = new AbortController()
  const stop = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130)
    process.stderr.write(`\n${signal}: finishing the pages in flight, then stopping (again to quit now)\n`)
    controller.abort()
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  return {
    config,
    client,
    tableName: options.tableName ?? config.dynamodb.tableName,
    signal: controller.signal,
    close() {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      client.destroy()
    },
  }
}

export function scriptClientSettings(config: Config): Config['dynamodb'] {
  const requestTimeoutMs = Math.max(config.dynamodb.requestTimeoutMs, SCRIPT_REQUEST_TIMEOUT_MS)
  return { ...config.dynamodb, requestTimeoutMs }
}

/** Parses a whole-number option (`--segments 8`), naming it in the error. */
export function wholeNumber(name: string, min: number, max: number) {
  return (value: string): number => {
    const number = Number(value)
    if (!/^\d+$/.test(value) || number < min || number > max)
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`)
    return number
  }
}
