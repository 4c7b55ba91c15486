// A log line with a constant message and fixed keys, written straight to the logger's stream and
// byte for byte what pino writes for `log[level](fields, message)`, without pino's general path
// (a lookup per key for serializers and stringifiers, the log formatter's walk) and without making
// a request's child logger (see lazy-child-logger.ts). What the template cannot write exactly (a
// logger set up in some other way, a value that is not a plain string, a number, a boolean or
// null) goes through pino instead.
import type { FastifyBaseLogger } from 'fastify'
import { type Level, type Logger, pino, stdTimeFunctions } from 'pino'
import { isoTime } from './iso-time.js'
import { LazyChildLogger, plain } from './lazy-child-logger.js'

// msgPrefixSym is missing from pino's typings.
const symbols = pino.symbols as typeof pino.symbols & { msgPrefixSym: symbol }
type Internals = Record<symbol, unknown>
type Stream = { write(line: string): void; [key: symbol]: unknown }
/** What a line needs from a logger that the template can write for. */
type Writer = { levelPrefix: string; message: string }

export class LineTemplate<Key extends string> {
  readonly #keys: readonly Key[]
  readonly #keyTexts: readonly string[]
  readonly #writers = new WeakMap<Logger, Writer | null>()
  #lastTime = ''
  #lastTimeField = ''

  constructor(
    readonly level: Level,
    readonly message: string,
    keys: readonly Key[],
  ) {
    this.#keys = keys
    this.#keyTexts = keys.map((key) => `,${JSON.stringify(key)}:`)
  }

  write(log: FastifyBaseLogger, fields: Readonly<Record<Key, unknown>>): void {
    let logger: Logger | undefined
    let chindings: string | undefined
    if (log instanceof LazyChildLogger) {
      logger = log.writer
      chindings = log.lineChindings()
    } else if (typeof (log as unknown as Internals)[symbols.chindingsSym] === 'string') {
      logger = log as Logger
      chindings = (log as unknown as Internals)[symbols.chindingsSym] as string
    }
    const writer = logger && chindings !== undefined ? this.#writerOf(logger) : null
    if (!logger || !writer) {
      this.#throughPino(log, fields)
      return
    }
    if (!logger.isLevelEnabled(this.level)) return
    const values = this.#values(fields)
    if (values === undefined) {
      this.#throughPino(log, fields)
      return
    }
    const internals = logger as unknown as Internals
    const timeOf = internals[symbols.timeSym] as () => string
    const time = timeOf === stdTimeFunctions.isoTime ? this.#isoTimeField() : timeOf()
    const end = internals[symbols.endSym] as string
    ;(internals[symbols.streamSym] as Stream).write(
      `${writer.levelPrefix}${time}${chindings}${values}${writer.message}${end}`,
    )
  }

  /** pino's isoTime field, from the time worked out once per millisecond. */
  #isoTimeField(): string {
    const time = isoTime()
    if (time !== this.#lastTime) {
      this.#lastTime = time
      this.#lastTimeField = `,"time":"${time}"`
    }
    return this.#lastTimeField
  }

  #throughPino(log: FastifyBaseLogger, fields: Readonly<Record<Key, unknown>>): void {
    ;(log[this.level] as (fields: object, message: string) => void)(fields, this.message)
  }

  /** The fields as pino writes them, or undefined for a value only pino can write. */
  #values(fields: Readonly<Record<Key, unknown>>): string | undefined {
    let text = ''
    for (let i = 0; i < this.#keys.length; i++) {
      const value = fields[this.#keys[i] as Key]
      let shown: string
      switch (typeof value) {
        case 'undefined':
          continue
        case 'string':
          if (!plain(value)) return undefined
          shown = JSON.stringify(value)
          break
        case 'number':
          shown = Number.isFinite(value) ? String(value) : 'null'
          break
        case 'boolean':
          shown = String(value)
          break
        default:
          if (value !== null) return undefined
          shown = 'null'
      }
      text += `${this.#keyTexts[i]}${shown}`
    }
    return text
  }

  #writerOf(logger: Logger): Writer | null {
    let writer = this.#writers.get(logger)
    if (writer === undefined) {
      writer = this.#fits(logger) ? this.#newWriter(logger) : null
      this.#writers.set(logger, writer)
    }
    return writer
  }

  #newWriter(logger: Logger): Writer {
    const internals = logger as unknown as Internals
    const levelPrefix = (internals[symbols.lsCacheSym] as Record<number, string>)[
      logger.levels.values[this.level] as number
    ] as string
    const messageKey = internals[symbols.messageKeySym] as string
    return { levelPrefix, message: `,${JSON.stringify(messageKey)}:${JSON.stringify(this.message)}` }
  }

  /** Whether pino would write this template's lines from nothing but the logger's cached parts. */
  #fits(logger: Logger): boolean {
    const internals = logger as unknown as Internals
    const stream = internals[symbols.streamSym] as Stream
    const hooks = internals[symbols.hooksSym] as { logMethod?: unknown; streamWrite?: unknown }
    const serializers = internals[symbols.serializersSym] as Record<string, unknown>
    const stringifiers = internals[symbols.stringifiersSym] as Record<string | symbol, unknown>
    const messageKey = internals[symbols.messageKeySym] as string
    const keys: string[] = [...this.#keys, messageKey]
    if (
      stream[symbols.needsMetadataGsym] === true ||
      hooks.streamWrite ||
      internals[symbols.mixinSym] ||
      typeof internals[symbols.msgPrefixSym] === 'string' ||
      internals[symbols.nestedKeySym] ||
      stringifiers[symbols.wildcardFirstSym] ||
      keys.some((key) => serializers[key] || stringifiers[key] || !plain(key)) ||
      keys.includes(internals[symbols.errorKeySym] as string) ||
      !plain(this.message) ||
      typeof logger.levels.values[this.level] !== 'number'
    )
      return false
    // The log formatter and the logMethod hook must hand such a call on as it is (the app's
    // redact only keys it knows and interpolated values).
    const probe: Record<string, unknown> = Object.fromEntries(this.#keys.map((key) => [key, 'x']))
    const formatters = internals[symbols.formattersSym] as { log?: (fields: object) => object }
    if (formatters.log && formatters.log(probe) !== probe) return false
    if (typeof hooks.logMethod === 'function') {
      let passed: unknown[] = []
      const method = (...args: unknown[]) => {
        passed = args
      }
      hooks.logMethod.call(logger, [probe, this.message], method, logger.levels.values[this.level])
      if (passed.length !== 2 || passed[0] !== probe || passed[1] !== this.message) return false
    }
    return true
  }
}
