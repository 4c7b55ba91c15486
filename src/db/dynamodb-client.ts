import http from 'node:http'
import https from 'node:https'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import type { AuthScheme, RequestSigner } from '@smithy/types'
import type { Config } from '../config/config.js'

/**
 * One pooled client for the process: keep-alive sockets (bounded), connect and request timeouts,
 * and the SDK's standard retry mode (exponential backoff with jitter for throttling and 5xx).
 */
export type ClientSettings = Pick<
  Config['dynamodb'],
  | 'region'
  | 'endpoint'
  | 'useLocalCredentials'
  | 'maxSockets'
  | 'connectTimeoutMs'
  | 'requestTimeoutMs'
  | 'maxAttempts'
>

/** What may differ between the process's clients; the settings above are always the same. */
export interface ClientOptions {
  /** Shares another client's sockets, so the pool bound holds for both. */
  requestHandler?: NodeHttpHandler
  /**
   * Resolves each command's middleware once instead of on every call (the SDK's own option), which
   * saves about a fifth of the SDK's CPU time per call. The document client refuses it, and
   * middleware added after a command's first call does not apply to that command.
   */
  cacheMiddleware?: boolean
}

export function createDynamoDbClient(config: ClientSettings, options: ClientOptions = {}): DynamoDBClient {
  return new DynamoDBClient({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    // DynamoDB Local accepts any credentials but the SDK insists on having some.
    ...(config.useLocalCredentials
      ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    maxAttempts: config.maxAttempts,
    retryMode: 'standard',
    requestHandler: options.requestHandler ?? createRequestHandler(config),
    cacheMiddleware: options.cacheMiddleware ?? false,
  })
}

/**
 * The client for every data call (the gateway's), on the same sockets and settings as `client`,
 * with its middleware resolved once per command. It takes and returns DynamoDB's wire format: the
 * document client, which would translate, refuses `cacheMiddleware` (see wire.ts).
 */
export function createDataClient(config: ClientSettings, client: DynamoDBClient): DynamoDBClient {
  const requestHandler = client.config.requestHandler
  if (!(requestHandler instanceof NodeHttpHandler))
    throw new Error('the DynamoDB client has no Node HTTP handler')
  const dataClient = createDynamoDbClient(config, { requestHandler, cacheMiddleware: true })
  reuseSigners(dataClient)
  return dataClient
}

type SignerOf = (authScheme?: AuthScheme) => Promise<RequestSigner>

/**
 * The SDK builds a new request signer for every call, copying the whole client config into it (a
 * copy that costs more than the signing itself). What it builds depends only on the auth scheme's
 * signing name and region and on the client's credentials provider, so the one it built first for
 * those serves every later call; the signer still asks the provider for credentials on each call.
 */
function reuseSigners(client: DynamoDBClient): void {
  const config = client.config as unknown as { signer: SignerOf; credentials: unknown }
  const build = config.signer
  const built = new Map<string, { credentials: unknown; signer: Promise<RequestSigner> }>()
  config.signer = (authScheme) => {
    const key = `${authScheme?.name} ${authScheme?.signingName} ${authScheme?.signingRegion}`
    const found = built.get(key)
    if (found && found.credentials === config.credentials) return found.signer
    const signer = build(authScheme)
    built.set(key, { credentials: config.credentials, signer })
    signer.catch(() => {
      if (built.get(key)?.signer === signer) built.delete(key)
    })
    return signer
  }
}

function createRequestHandler(config: ClientSettings): NodeHttpHandler {
  const agentOptions = { keepAlive: true, maxSockets: config.maxSockets }
  return new NodeHttpHandler({
    httpAgent: new http.Agent(agentOptions),
    httpsAgent: new https.Agent(agentOptions),
    connectionTimeout: config.connectTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    // Without this the SDK only warns; a request past its timeout must fail (and be retried).
    throwOnRequestTimeout: true,
  })
}

/** How items become DynamoDB's wire format and back: the gateway's (wire.ts), as a document client's. */
export const MARSHALL_OPTIONS = Object.freeze({ removeUndefinedValues: true, convertEmptyValues: false })
export const UNMARSHALL_OPTIONS = Object.freeze({ wrapNumbers: false })

export function createDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  // Copies: the document client sets options of its own on these objects.
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { ...MARSHALL_OPTIONS },
    unmarshallOptions: { ...UNMARSHALL_OPTIONS },
  })
}
