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
import { REDACTED_KEYS, redact, redactLogFields } from './redaction.js'

export { REDACTION_CENSOR } from './redaction.js'

type LoggingConfig = Pick<Config, 'env' | 'logLevel'>

/** Set on the root logger (children inherit it): how its child() redacts bindings on the way in. */
export const BINDINGS_REDACTION = Symbol('bindings redaction')

export interface LogOutputEvents {
  /** A line was dropped because stdout had fallen too far behind (see LOG_BUFFER_MAX_BYTES). */
  onLineDropped?: () => void
}

/**
 * The app's logger; `stream` sends the JSON lines somewhere other than stdout (tests capture them).
 * `events` hear what happens to the lines on their way to stdout; `redacted` are the keys whose
 * values never reach a line (see redactedKeys).
 */
export function createLogger(
  config: LoggingConfig,
  stream?: DestinationStream,
  events: LogOutputEvents = {},
  redacted = REDACTED_KEYS,
): Logger {
  const options = loggerOptions(config, stream, redacted)
  const logger = stream
    ? pino(options, stream)
    : options.transport
      ? pino(options)
      : pino(options, batchedOutput({ fd: STDOUT, ...events }))
  // pino passes a child's bindings (Fastify's per-request child, say) through no formatter, so
  // they are redacted on the way in; children inherit this method from the root.
  const createChild = logger.child
  const redactBindings = (bindings: Record<string, unknown>) => redactLogFields(bindings, redacted)
  logger.child = function child(this: Logger, bindings, options) {
    return createChild.call(this, redactLogFields(bindings, redacted), options)
  } as Logger['child']
  // A lazy child (lazy-child-logger.ts) works its bindings out as this child() would.
  Object.defineProperty(logger, BINDINGS_REDACTION, { value: redactBindings })
  return logger
}

// Lines go to stdout in batches of about this many bytes, not one write (a system call and a
// thread-pool hand-off) per line: under load that halves the system calls per request. What is
// held back is written at least this often, and whatever is left when the process exits.
const LOG_BATCH_BYTES = 4096
const LOG_FLUSH_INTERVAL_MS = 200
// If stdout stops taking lines (a stalled log driver), lines beyond this are dropped rather than
// held until memory runs out; each one dropped is counted (log_lines_dropped_total).
const LOG_BUFFER_MAX_BYTES = 16 * 1024 * 1024
const STDOUT = 1

export interface BatchedOutputOptions extends LogOutputEvents {
  fd: number
  /** How much may wait for the file descriptor before lines are dropped. */
  maxBufferedBytes?: number
}

/** Lines written to `fd` in batches, asynchronously, with a bound on what may wait. */
export function batchedOutput(options: BatchedOutputOptions): ReturnType<typeof pino.destination> {
  const destination = pino.destination({
    dest: options.fd,
    sync: false,
    minLength: LOG_BATCH_BYTES,
    periodicFlush: LOG_FLUSH_INTERVAL_MS,
    maxLength: options.maxBufferedBytes ?? LOG_BUFFER_MAX_BYTES,
  })
  // pino writes a line at a time, so each drop is one line.
  const { onLineDropped } = options
  if (onLineDropped) destination.on('drop', () => onLineDropped())
  return destination
}

/** pino options; a given `stream` gets JSON lines even in development. */
export function loggerOptions(
  config: LoggingConfig,
  stream?: DestinationStream,
  redacted = REDACTED_KEYS,
): LoggerOptions {
  const fields = (values: Record<string, unknown>) => redactLogFields(values, redacted)
  const base = {
    level: config.logLevel,
    formatters: { log: fields, bindings: fields },
    serializers: { err: (error: Error) => redact(stdSerializers.err(error), 0, redacted) as SerializedError },
    hooks: { logMethod: redactInterpolated(redacted) },
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
function redactInterpolated(keys: ReadonlySet<string>) {
  return function logMethod(this: Logger, args: Parameters<LogFn>, method: LogFn) {
    const firstInterpolated = typeof args[0] === 'string' ? 1 : 2
    if (args.length <= firstInterpolated) return method.apply(this, args)
    const redacted = args.map((arg, index) => (index < firstInterpolated ? arg : redact(arg, 0, keys)))
    return method.apply(this, redacted as Parameters<LogFn>)
  }
}
