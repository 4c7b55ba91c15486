// @fastify/swagger collects every route registered after it into the OpenAPI document; each route
// first gets the error responses and security its options imply.
import fastifySwagger from '@fastify/swagger'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { swaggerOptions } from '../../openapi/document.js'
import { documentRouteDefaults } from '../../openapi/route-defaults.js'

async function swagger(app: FastifyInstance) {
  app.addHook('onRoute', documentRouteDefaults)
  await app.register(fastifySwagger, swaggerOptions)
}

export default fp(swagger, { name: 'swagger' })
