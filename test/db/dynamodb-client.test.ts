// The process's DynamoDB clients: how the data client differs from the main one. No network.
import { Readable } from 'node:stream'
import { GetItemCommand } from '@aws-sdk/client-dynamodb'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import type { AuthScheme, HttpRequest, HttpResponse } from '@smithy/types'
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

/** Answers every call with an empty GetItem result, and keeps each request's headers. */
class CannedHandler extends NodeHttpHandler {
  readonly headers: Record<string, string>[] = []
  override async handle(request: HttpRequest) {
    this.headers.push({ ...request.headers })
    const body = Buffer.from('{}')
    const headers = { 'content-type': 'application/x-amz-json-1.0', 'content-length': String(body.length) }
    const response: HttpResponse = { statusCode: 200, headers, body: Readable.from([body]) }
    return { response }
  }
}

t.test('the data client builds its request signer once and signs every call with it', async (t) => {
  const handler = new CannedHandler()
  const main = createDynamoDbClient(settings, { requestHandler: handler })
  const data = createDataClient(settings, main)
  t.teardown(() => {
    data.destroy()
    main.destroy()
  })
  const signerOf = (data.config as unknown as { signer: (scheme?: AuthScheme) => Promise<unknown> }).signer
  const scheme: AuthScheme = {
    name: 'sigv4',
    signingName: 'dynamodb',
    signingRegion: 'us-east-1',
    properties: {},
  }
  t.equal(await signerOf(scheme), await signerOf(scheme), 'one signer for one scheme')
  t.not(
    await signerOf({ ...scheme, signingRegion: 'eu-west-1' }),
    await signerOf(scheme),
    'another for another region',
  )

  const get = () =>
    data.send(new GetItemCommand({ TableName: 'things', Key: { pk: { S: 'a' }, sk: { S: 'b' } } }))
  await get()
  await get()
  t.equal(handler.headers.length, 2)
  for (const headers of handler.headers) {
    t.match(
      headers.authorization,
      /^AWS4-HMAC-SHA256 Credential=local\/\d{8}\/us-east-1\/dynamodb\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/,
      'every call is signed',
    )
  }
})
