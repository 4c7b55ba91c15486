// The process's DynamoDB clients: how the data client differs from the main one. No network.
import t from 'tap'
import { createDataClient, createDocumentClient, createDynamoDbClient } from '../../src/db/dynamodb-client.js'

const settings = {
  region: 'us-east-1',
  endpoint: 'http://127.0.0.1:1',
  useLocalCredentials: true,
  maxSockets: 7,
  connectTimeoutMs: 100,
  requestTimeoutMs: 200,
  maxAttempts: 2,
}

t.test(
  'the data client shares the main client sockets and resolves its middleware once per command',
  async (t) => {
    const main = createDynamoDbClient(settings)
    const data = createDataClient(settings, main)
    t.teardown(() => {
      data.destroy()
      main.destroy()
    })
    t.equal(data.config.requestHandler, main.config.requestHandler, 'one socket pool, one maxSockets bound')
    t.equal(data.config.cacheMiddleware, true)
    t.equal(main.config.cacheMiddleware, false)
    t.equal(await data.config.maxAttempts(), 2, 'the same retry settings')
  },
)

t.test(
  'the document client cannot use a client that caches middleware, so the data client takes wire format',
  async (t) => {
    const main = createDynamoDbClient(settings)
    t.teardown(() => main.destroy())
    t.doesNotThrow(() => createDocumentClient(main))
    t.throws(
      () => createDocumentClient(createDynamoDbClient(settings, { cacheMiddleware: true })),
      /cacheMiddleware/,
    )
  },
)
