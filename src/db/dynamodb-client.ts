import http from 'node:http'
import https from 'node:https'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { NodeHttpHandler } from '@smithy/node-http-handler'
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

export function createDynamoDbClient(config: ClientSettings): DynamoDBClient {
  const agentOptions = { keepAlive: true, maxSockets: config.maxSockets }
  return new DynamoDBClient({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    // DynamoDB Local accepts any credentials but the SDK insists on having some.
    ...(config.useLocalCredentials
      ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    maxAttempts: config.maxAttempts,
    retryMode: 'standard',
    requestHandler: new NodeHttpHandler({
      httpAgent: new http.Agent(agentOptions),
      httpsAgent: new https.Agent(agentOptions),
      connectionTimeout: config.connectTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      // Without this the SDK only warns; a request past its timeout must fail (and be retried).
      throwOnRequestTimeout: true,
    }),
  })
}

export function createDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
    unmarshallOptions: { wrapNumbers: false },
  })
}
