import fastifyCors from '@fastify/cors'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../../../config/config.js'

/** Only the configured origins may call the API from a browser; none when the list is empty. */
async function cors(app: FastifyInstance, options: { cors: Config['cors'] }) {
  await app.register(fastifyCors, {
    origin: options.cors.origins.length > 0 ? options.cors.origins : false,
    credentials: options.cors.credentials,
    methods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: [
      'Authorization',
      'Content-Type',
      'If-Match',
      'Idempotency-Key',
      'X-Correlation-ID',
      'API-Version',
    ],
    exposedHeaders: ['ETag', 'Location', 'X-Correlation-ID', 'API-Version', 'Retry-After'],
    maxAge: 600,
  })
}

export default fp(cors, { name: 'cors' })
