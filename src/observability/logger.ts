// pino options for the app: JSON lines (ISO time, level names) everywhere except development,
// where pino-pretty prints for humans; secrets and personal data never reach a line.
import { createRequire } from 'node:module'
import {
  type DestinationStream,
  type LogFn,
  type Logger,
  type LoggerOptions,
  pino,
  type SerializedError,
  stdSerializers,
  stdTimeFunctions,
} from 'pino'
import type { Config } from '../config/config.js'
import { redact, redactLogFields } from './redaction.js'

export { REDACTION_CENSOR } from './redaction.js'

type LoggingConfig = Pick<Config, 'env' | 'logLevel'>

/** The app's logger; `stream` sends the JSON lines somewhere other than stdout (tests capture them). */
export function createLogger(config: LoggingConfig, stream?: DestinationStream): Logger {
  const options = loggerOptions(config, stream)
  const logger = stream
    ? pino(options, stream)
    : options.transport
      ? pino(options)
      : pino(options, standardOutput())
  // pino passes a child's bindings (Fastify's per-request child, say) through no formatter, so
  // they are redacted on the way in; children inherit this method from the root.
  const createChild = logger.child
  logger.child = function child(this: Logger, bindings, options) {
    return createChild.call(this, redactLogFields(bindings), options)
  } as Logger['child']
  return logger
}

// Lines go to stdout in batches of about this many bytes, not one write (a system call and a
// thread-pool hand-off) per line: under load that halves the system calls per request. What is
// held back is written at least this often, and whatever is left when the process exits.
const LOG_BATCH_BYTES = 4096
const LOG_FLUSH_INTERVAL_MS = 200
// If stdout stops taking lines (a stalled log driver), lines beyond this are dropped rather than
// held until memory runs out.
const LOG_BUFFER_MAX_BYTES = 16 * 1024 * 1024

function standardOutput(): DestinationStream {
  return pino.destination({
    dest: 1,
    sync: false,
    minLength: LOG_BATCH_BYTES,
    periodicFlush: LOG_FLUSH_INTERVAL_MS,
    maxLength: LOG_BUFFER_MAX_BYTES,
  })
}

/** pino options; a given `stream` gets JSON lines even in development. */
export function loggerOptions(config: LoggingConfig, stream?: DestinationStream): LoggerOptions {
  const base = {
    level: config.logLevel,
    formatters: { log: redactLogFields, bindings: redactLogFields },
    serializers: { err: (error: Error) => redact(stdSerializers.err(error)) as SerializedError },
    hooks: { logMethod: redactInterpolated },
  }
  if (config.env === 'development' && !stream && prettyPrinterInstalled()) {
    return {
      ...base,
      transport: {
        target: 'pino-pretty',
        options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
      },
    }
  }
  return {
    ...base,
    // Level names and ISO times read well in CloudWatch Logs Insights and need no lookup table.
    formatters: { ...base.formatters, level: (label: string) => ({ level: label }) },
    timestamp: stdTimeFunctions.isoTime,
  }
}

// pino-pretty is a development dependency: an image built with production dependencies only
// falls back to JSON instead of failing to start when someone runs it with NODE_ENV=development.
function prettyPrinterInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty')
    return true
  } catch {
    return false
  }
}

/** Objects interpolated into a message (`log.info('%j', value)`) are redacted like fields. */
function redactInterpolated(this: Logger, args: Parameters<LogFn>, method: LogFn) {
  const firstInterpolated = typeof args[0] === 'string' ? 1 : 2
  if (args.length <= firstInterpolated) return method.apply(this, args)
  const redacted = args.map((arg, index) => (index < firstInterpolated ? arg : redact(arg)))
  return method.apply(this, redacted as Parameters<LogFn>)
}
