// A pino destination that keeps every line, for tests that assert on what was logged.
import type { FastifyBaseLogger } from 'fastify'
import type { DestinationStream } from 'pino'

export interface LogCapture {
  stream: DestinationStream
  /** Every line written so far, exactly as written. */
  text(): string
  /** Every line parsed as JSON. */
  lines(): Record<string, unknown>[]
}

export function captureLogs(): LogCapture {
  const written: string[] = []
  return {
    stream: { write: (line: string) => void written.push(line) },
    text: () => written.join(''),
    lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>),
  }
}

/** Counts the child loggers made from `log` from now on; returns the count so far when called. */
export function countChildLoggers(log: FastifyBaseLogger): () => number {
  let made = 0
  const child = log.child
  log.child = function countedChild(this: FastifyBaseLogger, ...args: Parameters<typeof child>) {
    made++
    return child.apply(this, args)
  } as typeof child
  return () => made
}
