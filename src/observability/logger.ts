// pino options for the app: JSON lines (ISO time, level names) everywhere except development,
// where pino-pretty prints for humans; secrets and personal data never reach a line.
import { createRequire } from 'node:module'
import type { FastifyServerOptions } from 'fastify'
import { type DestinationStream, stdTimeFunctions } from 'pino'
import type { Config } from '../config/config.js'

// pino's wildcards match exactly one level, so each field is listed at the depths it is logged at.
// Incoming headers are lower-case; headers built by hand may be capitalised.
const SECRET_HEADERS = ['authorization', 'cookie', 'set-cookie', 'x-api-key'].flatMap((name) => [
  `"${name}"`,
  `"${name.replace(/(^|-)[a-z]/g, (start) => start.toUpperCase())}"`,
])
const PERSONAL_FIELDS = ['email', 'phone']

/** Paths that are replaced by `[redacted]` in every log line. */
export const REDACTED_PATHS = [
  ...SECRET_HEADERS.flatMap((header) =>
    ['req.headers', 'res.headers', 'headers', '*.headers'].map((parent) => `${parent}[${header}]`),
  ),
  'authorization',
  'Authorization',
  'cookie',
  ...PERSONAL_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`, `*.*.*.${field}`]),
]

export const REDACTION_CENSOR = '[redacted]'

type LoggerOptions = Exclude<FastifyServerOptions['logger'], boolean | undefined>

/** Logger options; `stream` sends the JSON lines somewhere other than stdout (tests capture them). */
export function loggerOptions(
  config: Pick<Config, 'env' | 'logLevel'>,
  stream?: DestinationStream,
): LoggerOptions {
  const base = { level: config.logLevel, redact: { paths: REDACTED_PATHS, censor: REDACTION_CENSOR } }
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
    formatters: { level: (label: string) => ({ level: label }) },
    timestamp: stdTimeFunctions.isoTime,
    ...(stream ? { stream } : {}),
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
