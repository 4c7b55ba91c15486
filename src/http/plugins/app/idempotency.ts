// Idempotency-Key on POST routes that opt in (`config: { idempotent: true }`): the first request
// with a key runs and its successful response is stored (encrypted: it may hold encrypted fields);
// a retry with the same key and body gets that response again; the same key with another body is
// 422; while an attempt still runs, 409 with Retry-After. An attempt that ends without a known
// outcome leaves the key bound to what it may have written, so the next one finishes it: one key
// never creates twice (see IdempotencyStore).
import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { AppError, validationError } from '../../../errors/app-error.js'
import type { IdempotencyRecord } from '../../../models/index.js'
import type { IdempotencyStore } from '../../../services/idempotency-store.js'
import { updateCanonical } from '../../canonical-json.js'
import { hooksOf } from '../../route-helpers.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    idempotent?: boolean
  }
  interface FastifyRequest {
    idempotencyRecord?: IdempotencyRecord
    /**
     * Set by a handler whose answer leaves work a retry should finish (batch items not written
     * after retries): the key is not completed then, and a retry with it runs again.
     */
    unfinished?: boolean
  }
}

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/
// Replayed with the body; the rest are the server's to set again.
const REPLAYED_HEADERS = ['content-type', 'location', 'etag']
// Each keyed request's body as sent, until its key is claimed: validation replaces request.body
// with what the schema made of it, which is no fingerprint (an item that fails is kept with its
// own key order and the details of why).
const sentBodies = new WeakMap<FastifyRequest, unknown>()

async function idempotency(app: FastifyInstance, { store }: { store: IdempotencyStore }) {
  // Only the routes that opt in get the hooks; every other request pays nothing for them. They come
  // after the rate limiter's (also per route), so a rate-limited request never claims its key and a
  // replay counts against the tenant's rate like any other request.
  app.addHook('onRoute', (route) => {
    if (!route.config?.idempotent) return
    route.preValidation = [keepSentBody, ...hooksOf(route.preValidation)]
    route.preHandler = [...hooksOf(route.preHandler), claimKey]
    route.onSend = [...hooksOf(route.onSend), keepResponse]
  })

  async function keepSentBody(request: FastifyRequest) {
    if (request.headers['idempotency-key'] !== undefined) sentBodies.set(request, request.body)
  }

  async function claimKey(request: FastifyRequest, reply: FastifyReply) {
    const key = request.headers['idempotency-key']
    if (key === undefined) return
    const body = sentBodies.get(request)
    sentBodies.delete(request)
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      throw validationError([
        { field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' },
      ])
    }
    const claim = await store.claim(
      request.auth.tenantId,
      request.auth.userId,
      key,
      requestHash(request, body),
    )
    switch (claim.state) {
      case 'claimed':
        request.idempotencyRecord = claim.record
        request.auth.idempotency = claim.attempt
        return
      case 'in_progress':
        throw new AppError(
          'CONFLICT',
          'a request with this Idempotency-Key is still in progress',
          undefined,
          {
            retryAfterSeconds: claim.retryAfterSeconds,
          },
        )
      case 'reused_with_other_request':
        throw new AppError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for another request')
      case 'completed':
        reply
          .status(claim.response.status)
          .headers(claim.response.headers)
          .header('Idempotent-Replayed', 'true')
        return reply.send(claim.response.body)
    }
  }

  async function keepResponse(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
    const record = request.idempotencyRecord
    if (!record) return payload
    request.idempotencyRecord = undefined
    try {
      await settle(record, request, reply, String(payload ?? ''))
    } catch (error) {
      // The response stands; the next retry takes the key over once its lock lapses.
      request.log.warn({ err: error }, 'idempotency record not updated')
    }
    return payload
  }

  /**
   * A success is the answer to keep. A refusal (4xx) wrote nothing, so the key is released (freed, if
   * no earlier attempt held it: see IdempotencyStore.release). An outage (5xx) or unfinished work may
   * have left writes behind: the key stays bound to them, and the next retry may run at once to find
   * them.
   */
  async function settle(
    record: IdempotencyRecord,
    request: FastifyRequest,
    reply: FastifyReply,
    body: string,
  ) {
    const status = reply.statusCode
    if (status >= 300 && status < 500) return store.release(record)
    if (status >= 300 || request.unfinished) return store.interrupt(record)
    try {
      await store.complete(record, { status, headers: replayedHeaders(reply), body })
    } catch (error) {
      await store.interrupt(record)
      throw error
    }
  }
}

/**
 * The method, the URL and the JSON body as sent: a retry must send the same request, though its
 * keys may come in another order.
 */
function requestHash(request: FastifyRequest, body: unknown): string {
  const hash = createHash('sha256').update(`${request.method} ${request.url}\u0000`)
  return updateCanonical(hash, body ?? null).digest('base64url')
}

function replayedHeaders(reply: FastifyReply): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const name of REPLAYED_HEADERS) {
    const value = reply.getHeader(name)
    if (value !== undefined) headers[name] = String(value)
  }
  return headers
}

export default fp(idempotency, { name: 'idempotency', dependencies: ['authentication'] })
