// How request bodies are read. Bodies are JSON in UTF-8 only; a request without body data has no
// body, whatever its Content-Type says (clients send `Content-Type: application/json` on every
// request, DELETE included); and a body is refused rather than stored altered, so text that is not
// UTF-8 never turns into U+FFFD in the table.
import type { Readable } from 'node:stream'
import type { FastifyInstance, RequestPayload } from 'fastify'
import fp from 'fastify-plugin'
import { AppError, validationError } from '../../../errors/app-error.js'

// RFC 8259 §8.1: JSON exchanged between systems is UTF-8; IANA names it `UTF-8` (alias `csUTF8`),
// case-insensitively. `utf8` is no registered name.
const UTF8_NAMES = new Set(['utf-8', 'csutf8'])
const CHARSET_PARAMETER = /;\s*charset\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/gi
// Decodes a leading byte order mark away, as RFC 8259 §8.1 lets a parser do.
const UTF8 = new TextDecoder('utf-8', { fatal: true })
// An escape that may stand for half a surrogate pair; only then is the parsed value walked.
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/
const LONE_SURROGATE = /\p{Cs}/u

async function requestBody(app: FastifyInstance) {
  // Without this, Fastify would parse text/plain and answer 400, not 415.
  app.removeContentTypeParser('text/plain')

  // Callback-style: a request without a body (every GET) goes on at once, without a promise.
  app.addHook('preParsing', (request, _reply, payload, done) => {
    if (request.method === 'GET' || request.method === 'HEAD') return done(null, payload)
    const headers = request.raw.headers
    const chunked = headers['transfer-encoding'] !== undefined
    if (headers['content-type'] === undefined && !chunked) return done(null, payload)
    // Fastify picks a parser by these headers before it reads anything; without them it reads nothing.
    const forget = (empty: boolean) => {
      if (empty) {
        delete headers['content-type']
        delete headers['transfer-encoding']
      }
      done(null, payload)
    }
    if (!chunked) return forget(Number(headers['content-length'] ?? 0) === 0)
    hasData(payload).then(
      (data) => forget(!data),
      (error: Error) => done(error),
    )
  })

  const { onProtoPoisoning, onConstructorPoisoning } = app.initialConfig
  const parseJson = app.getDefaultJsonParser(onProtoPoisoning ?? 'error', onConstructorPoisoning ?? 'error')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string
    try {
      text = utf8Text(request.headers['content-type'], body as Buffer)
    } catch (error) {
      return done(error as AppError)
    }
    parseJson(request, text, (error, value) => done(error ?? notUnicode(text, value) ?? null, value))
  })
}

/** The body as text, if its charset is UTF-8 and its bytes are. */
function utf8Text(contentType = '', body: Buffer): string {
  if (charsetsOf(contentType).some((charset) => !UTF8_NAMES.has(charset.toLowerCase()))) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'the body must be JSON in UTF-8 (charset=utf-8, or none)')
  }
  try {
    return UTF8.decode(body)
  } catch {
    const problem = 'the body is not valid UTF-8'
    throw validationError([{ field: 'body', message: problem }], problem)
  }
}

/** A 400 when a string of the parsed body holds half a surrogate pair (only an escape makes one). */
function notUnicode(text: string, value: unknown): AppError | undefined {
  const field = SURROGATE_ESCAPE.test(text) ? loneSurrogateAt(value) : undefined
  if (field === undefined) return undefined
  return validationError(
    [{ field, message: 'holds half a surrogate pair (\\ud800-\\udfff alone), which is no Unicode text' }],
    'the body holds text that is not Unicode',
  )
}

/** Every charset parameter of a Content-Type, unquoted. */
function charsetsOf(contentType: string): string[] {
  return [...contentType.matchAll(CHARSET_PARAMETER)].map(([, quoted, token]) =>
    quoted === undefined ? (token ?? '') : quoted.replace(/\\(.)/g, '$1'),
  )
}

/** The path of the first string or key holding a lone surrogate (`items.3.name`, or `body`). */
function loneSurrogateAt(value: unknown, path: string[] = []): string | undefined {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path.join('.') || 'body' : undefined
  if (typeof value !== 'object' || value === null) return undefined
  for (const [key, inner] of Object.entries(value)) {
    const at = [...path, key]
    if (LONE_SURROGATE.test(key)) return at.join('.')
    const found = loneSurrogateAt(inner, at)
    if (found !== undefined) return found
  }
  return undefined
}

/**
 * Waits for a chunked body's first data (put back for the parser) or for its end. It reads by
 * flowing, which is what tells a client that sent `Expect: 100-continue` to send (early-answers.ts).
 */
function hasData(payload: RequestPayload): Promise<boolean> {
  const stream = payload as Readable
  return new Promise((resolve, reject) => {
    const stop = () => {
      stream.off('data', onData)
      stream.off('end', onEnd)
      stream.off('error', onCutOff)
      stream.off('close', onCutOff)
    }
    const onData = (chunk: Buffer) => {
      stop()
      stream.pause()
      stream.unshift(chunk)
      resolve(true)
    }
    const onEnd = () => {
      stop()
      resolve(false)
    }
    const onCutOff = (cause?: unknown) => {
      stop()
      const problem = 'the body was cut off'
      reject(new AppError('VALIDATION_ERROR', problem, [{ field: 'body', message: problem }], { cause }))
    }
    stream.on('end', onEnd)
    stream.on('error', onCutOff)
    stream.on('close', onCutOff)
    stream.on('data', onData)
  })
}

export default fp(requestBody, { name: 'request-body' })
