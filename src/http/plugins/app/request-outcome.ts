// How each request ends, told once: answered in full ('completed'), or left by its client before
// the answer was out ('aborted'). Fastify's onResponse alone misses requests whose client hung up
// after its body was read, while the handler still ran: their answer never finishes, and
// onRequestAbort does not fire once the body is complete. The response's 'close' catches those.
import type { ServerResponse } from 'node:http'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

export type RequestOutcome = 'completed' | 'aborted'

export interface RequestObserver {
  /** A request arrived; called before any other hook of the app. */
  started?(request: FastifyRequest, reply: FastifyReply): void
  /** Called exactly once per request that `started`. */
  ended(request: FastifyRequest, reply: FastifyReply, outcome: RequestOutcome): void
}

declare module 'fastify' {
  interface FastifyInstance {
    observeRequests(observer: RequestObserver): void
  }
}

const kReply = Symbol('reply')
const kEnded = Symbol('ended')
const kRequest = Symbol('request')

type Observed = FastifyRequest & { [kReply]: FastifyReply | null; [kEnded]: boolean }

async function requestOutcome(app: FastifyInstance) {
  const observers: RequestObserver[] = []
  app.decorate('observeRequests', (observer: RequestObserver) => {
    observers.push(observer)
  })
  app.decorateRequest(kReply, null)
  app.decorateRequest(kEnded, false)

  // One listener for every response, not a closure and a once() wrapper per request.
  function responseClosed(this: ServerResponse & { [kRequest]?: Observed }) {
    const request = this[kRequest]
    if (request?.[kReply]) end(request, outcomeOf(request[kReply]))
  }
  const start = (fastifyRequest: FastifyRequest, reply: FastifyReply) => {
    const request = fastifyRequest as Observed
    if (request[kReply]) return
    request[kReply] = reply
    for (const observer of observers) observer.started?.(request, reply)
    ;(reply.raw as ServerResponse & { [kRequest]?: Observed })[kRequest] = request
    reply.raw.on('close', responseClosed)
  }
  const end = (fastifyRequest: FastifyRequest, outcome: RequestOutcome) => {
    const request = fastifyRequest as Observed
    const reply = request[kReply]
    if (request[kEnded] || !reply) return
    request[kEnded] = true
    for (const observer of observers) observer.ended(request, reply, outcome)
  }

  app.addHook('onRequest', (request, reply, done) => {
    start(request, reply)
    done()
  })
  app.addHook('onResponse', (request, reply, done) => {
    // Answers sent before any hook ran (a malformed URL) start here.
    start(request, reply)
    end(request, outcomeOf(reply))
    done()
  })
  // A response queued behind another on its connection hears no 'close' when the connection
  // drops; its request's abort is heard instead.
  app.addHook('onRequestAbort', (request, done) => {
    end(request, 'aborted')
    done()
  })
}

/**
 * A response torn down before it finished (its socket closed first, or writing it failed) never
 * reached the client. An injected response never reports writableFinished, but it is destroyed
 * only after 'finish' has run the onResponse hooks, and this plugin's runs first.
 */
function outcomeOf(reply: FastifyReply): RequestOutcome {
  return reply.raw.destroyed && !reply.raw.writableFinished ? 'aborted' : 'completed'
}

export default fp(requestOutcome, { name: 'request-outcome' })
