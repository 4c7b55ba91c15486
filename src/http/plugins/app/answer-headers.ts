// The headers every answer carries, set by one hook instead of one hook each: the correlation id,
// the API version that served the request, then the security headers. A request for a version this
// server does not speak is refused here, after the first two and before the security headers, as
// it always was.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { UnversionedPaths } from '../../versioning/unversioned-paths.js'
import { DEFAULT_API_VERSION } from '../../versioning/versions.js'
import { SECURITY_HEADERS } from '../external/helmet.js'
import { unknownVersionRefusal } from './api-version.js'

async function answerHeaders(app: FastifyInstance, { unversioned }: { unversioned: UnversionedPaths }) {
  const security = Object.entries(SECURITY_HEADERS)
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Correlation-ID', request.id)
    // routeOptions builds a new object on each read: read once.
    const { config, url } = request.routeOptions
    reply.header('API-Version', config.apiVersion ?? DEFAULT_API_VERSION)
    if (url === undefined) {
      const refusal = unknownVersionRefusal(request, unversioned)
      if (refusal) return done(refusal)
    }
    for (const [name, value] of security) reply.header(name, value)
    done()
  })
}

export default fp(answerHeaders, { name: 'answer-headers' })
