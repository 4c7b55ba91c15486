// A request's logger that becomes a pino child only when something logs through it: most requests
// log nothing but their completion line, which line-template.ts writes without a child (see
// lineChindings). Whatever does log through it goes through the real child, so its line is pino's.
import type { FastifyBaseLogger } from 'fastify'
import { type Bindings, type ChildLoggerOptions, type Logger, pino } from 'pino'
import { BINDINGS_REDACTION } from './logger.js'

const { chindingsSym, serializersSym, stringifiersSym, wildcardFirstSym } = pino.symbols

type Internals = Record<symbol, unknown>
type Redaction = (bindings: Bindings) => Bindings
// Keys pino's asChindings leaves out of a child's bindings.
const IGNORED_BINDINGS = new Set(['level', 'serializers', 'formatters', 'customLevels'])

export class LazyChildLogger implements FastifyBaseLogger {
  #child: Logger | undefined
  /** What the child's bindings add to its lines, once worked out (null: only the child knows). */
  #chindings: string | null | undefined

  constructor(
    /** The logger the child would be made from. */
    readonly parent: Logger,
    private readonly bindings: Bindings,
  ) {}

  /** The child, made now if it was not yet. */
  get logger(): Logger {
    this.#child ??= this.parent.child(this.bindings)
    return this.#child
  }

  /** The child if something made it, else its parent (which writes a line with the same prefix). */
  get writer(): Logger {
    return this.#child ?? this.parent
  }

  get level(): string {
    return this.writer.level
  }

  set level(level: string) {
    this.logger.level = level
  }

  isLevelEnabled(level: string): boolean {
    return this.writer.isLevelEnabled(level)
  }

  /**
   * What pino puts between a line's time and its fields for this logger (its parents' bindings,
   * then its own), exactly as the child would; undefined when only the child can tell.
   */
  lineChindings(): string | undefined {
    if (this.#child) return (this.#child as unknown as Internals)[chindingsSym] as string
    this.#chindings ??= this.#ownChindings()
    return this.#chindings ?? undefined
  }

  #ownChindings(): string | null {
    const parent = this.parent as unknown as Internals
    const redaction = parent[BINDINGS_REDACTION] as Redaction | undefined
    const shown = redaction ? redaction(this.bindings) : this.bindings
    const serializers = parent[serializersSym] as Record<string, unknown>
    const stringifiers = parent[stringifiersSym] as Record<string | symbol, unknown>
    if (stringifiers[wildcardFirstSym]) return null
    let text = parent[chindingsSym] as string
    for (const key of Object.keys(shown)) {
      const value = shown[key]
      if (value === undefined || IGNORED_BINDINGS.has(key)) continue
      // Plain strings only: anything else goes through the child's own serializing.
      if (typeof value !== 'string' || serializers[key] || stringifiers[key] || !plain(key)) return null
      text += `,${JSON.stringify(key)}:${JSON.stringify(value)}`
    }
    return text
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger.child(bindings, options)
  }

  fatal(...args: unknown[]): void {
    ;(this.logger.fatal as (...args: unknown[]) => void)(...args)
  }
  error(...args: unknown[]): void {
    ;(this.logger.error as (...args: unknown[]) => void)(...args)
  }
  warn(...args: unknown[]): void {
    ;(this.logger.warn as (...args: unknown[]) => void)(...args)
  }
  info(...args: unknown[]): void {
    ;(this.logger.info as (...args: unknown[]) => void)(...args)
  }
  debug(...args: unknown[]): void {
    ;(this.logger.debug as (...args: unknown[]) => void)(...args)
  }
  trace(...args: unknown[]): void {
    ;(this.logger.trace as (...args: unknown[]) => void)(...args)
  }
  silent(): void {}
}

/**
 * Keys and strings that JSON.stringify writes as pino writes them: pino escapes only quotes,
 * backslashes and control characters of short strings, and leaves lone surrogates as they are.
 */
export function plain(text: string): boolean {
  return !SURROGATE.test(text)
}
const SURROGATE = /[\uD800-\uDFFF]/

/**
 * Fastify's childLoggerFactory: a lazy child, unless the route asks for a level or serializers of
 * its own (then the child is made at once, as Fastify would).
 */
export function lazyChildLogger(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  if (Object.keys(options).length > 0 || !isPino(logger)) return logger.child(bindings, options)
  return new LazyChildLogger(logger, bindings)
}

function isPino(logger: FastifyBaseLogger): logger is Logger {
  return typeof (logger as unknown as Internals)[chindingsSym] === 'string'
}
