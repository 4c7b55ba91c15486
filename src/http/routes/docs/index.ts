// The OpenAPI document at /openapi.json and a browsable UI at /docs; neither needs a token.
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyPluginAsync, RouteOptions } from 'fastify'
import { z } from 'zod'
import { OPERATIONS_TAG, transformRoute } from '../../openapi/document.js'
import { documentRouteDefaults } from '../../openapi/route-defaults.js'
import { jsonResponse } from '../../schemas/responses.js'

const DOCS_PREFIX = '/docs'

const openApiDocument = z.looseObject({
  openapi: z.literal('3.1.0'),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
})

const documentSchema = {
  summary: 'This OpenAPI document',
  tags: [OPERATIONS_TAG],
  response: { 200: jsonResponse(openApiDocument, 'the OpenAPI 3.1 document, as committed under openapi/') },
}

const uiSchema = {
  summary: 'A browsable view of this document (Swagger UI)',
  tags: [OPERATIONS_TAG],
  response: { 200: { description: 'an HTML page', content: { 'text/html': { schema: z.string() } } } },
}

export const docsRoutes: FastifyPluginAsync = async (app) => {
  app.get('/openapi.json', { config: { public: true }, schema: documentSchema }, async () => app.swagger())

  // The UI's own routes are hidden from the document, except its entry page.
  app.addHook('onRoute', (route: RouteOptions) => {
    route.config = { ...route.config, public: true }
    if (route.method === 'GET' && route.url === DOCS_PREFIX) {
      route.schema = uiSchema
      documentRouteDefaults(route)
      // Fastify registers `/docs/` next with the same options object, which @fastify/swagger keeps.
      route.config.swaggerTransform = (input) => ({ ...transformRoute(input), url: DOCS_PREFIX })
    }
  })
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX })
}
