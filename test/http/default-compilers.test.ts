import Fastify from 'fastify'
import t from 'tap'
import { defaultCompilersOnFirstUse } from '../../src/http/default-compilers.js'

t.test(
  "an instance without compilers of its own gets Fastify's defaults, Ajv and fast-json-stringify",
  async (t) => {
    const app = Fastify({ schemaController: { compilersFactory: defaultCompilersOnFirstUse } })
    t.teardown(() => app.close())
    app.post(
      '/echo',
      {
        schema: {
          body: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
          response: { 200: { type: 'object', properties: { n: { type: 'integer' } } } },
        },
      },
      async (request) => ({ ...(request.body as object), extra: 'dropped by the serializer' }),
    )
    const refused = await app.inject({ method: 'POST', url: '/echo', payload: { n: 'x' } })
    t.equal(refused.statusCode, 400)
    t.match(refused.json(), { code: 'FST_ERR_VALIDATION' })
    const served = await app.inject({ method: 'POST', url: '/echo', payload: { n: '7' } })
    t.equal(served.body, '{"n":7}', 'Ajv coerced the string; fast-json-stringify wrote only the schema')
  },
)
