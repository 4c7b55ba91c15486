// A local SSM Parameter Store for the real SDK client: GetParametersByPath in SSM's JSON protocol
// (POST, `X-Amz-Target: AmazonSSM.GetParametersByPath`, `application/x-amz-json-1.1`), with
// Recursive, MaxResults and NextToken pagination, and SecureString values decrypted only when
// WithDecryption asks. Signatures are not checked.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface StoredParameter {
  name: string
  value: string
  type?: 'String' | 'StringList' | 'SecureString'
}

export interface GetParametersByPathRequest {
  Path?: string
  Recursive?: boolean
  WithDecryption?: boolean
  MaxResults?: number
  NextToken?: string
}

export interface SsmServer {
  endpoint: string
  /** Every GetParametersByPath request body, in order. */
  requests: GetParametersByPathRequest[]
}

interface TestLike {
  teardown(fn: () => unknown): void
}

const JSON_1_1 = 'application/x-amz-json-1.1'
const OPERATION = 'AmazonSSM.GetParametersByPath'

/** `pageSize` caps a page below MaxResults, as SSM may return fewer than asked. */
export async function startSsmServer(
  t: TestLike,
  parameters: StoredParameter[],
  { pageSize = 10 }: { pageSize?: number } = {},
): Promise<SsmServer> {
  const requests: GetParametersByPathRequest[] = []
  const server = createServer(async (request, response) => {
    const body = await readBody(request)
    if (request.method !== 'POST') return fail(response, 'UnknownOperationException', 'POST only')
    if (request.headers['x-amz-target'] !== OPERATION)
      return fail(response, 'UnknownOperationException', `not ${OPERATION}`)
    if (!request.headers['content-type']?.startsWith(JSON_1_1))
      return fail(response, 'SerializationException', `Content-Type must be ${JSON_1_1}`)
    let input: GetParametersByPathRequest
    try {
      input = JSON.parse(body)
    } catch {
      return fail(response, 'SerializationException', 'the body is not JSON')
    }
    requests.push(input)
    const { Path, Recursive = false, WithDecryption = false, MaxResults = 10, NextToken } = input
    if (!Path?.startsWith('/')) return fail(response, 'ValidationException', 'Path must start with /')
    if (MaxResults < 1 || MaxResults > 10)
      return fail(response, 'ValidationException', 'MaxResults is 1 to 10')
    const prefix = Path.endsWith('/') ? Path : `${Path}/`
    const under = parameters
      .filter(
        ({ name }) => name.startsWith(prefix) && (Recursive || !name.slice(prefix.length).includes('/')),
      )
      .sort((a, b) => a.name.localeCompare(b.name))
    const start = NextToken ? Number(Buffer.from(NextToken, 'base64url').toString()) : 0
    if (!Number.isInteger(start)) return fail(response, 'InvalidNextToken', 'The token is invalid')
    const end = start + Math.min(MaxResults, pageSize)
    const page = under.slice(start, end).map((parameter) => shown(parameter, WithDecryption))
    const next = end < under.length ? Buffer.from(String(end)).toString('base64url') : undefined
    answer(response, 200, { Parameters: page, ...(next ? { NextToken: next } : {}) })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise((resolve) => server.close(resolve)))
  const { port } = server.address() as AddressInfo
  return { endpoint: `http://127.0.0.1:${port}`, requests }
}

/** A parameter as GetParametersByPath lists it; a SecureString not decrypted shows its ciphertext. */
function shown({ name, value, type = 'String' }: StoredParameter, decrypt: boolean) {
  const encrypted = type === 'SecureString' && !decrypt
  return {
    Name: name,
    Type: type,
    Value: encrypted ? `AQICAH${Buffer.from(`kms:${name}`).toString('base64')}` : value,
    Version: 1,
    LastModifiedDate: 1_700_000_000,
    ARN: `arn:aws:ssm:us-east-1:111122223333:parameter${name}`,
    DataType: 'text',
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = ''
    request.setEncoding('utf8')
    request.on('data', (chunk) => {
      body += chunk
    })
    request.on('end', () => resolve(body))
  })
}

function answer(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'content-type': JSON_1_1 }).end(JSON.stringify(body))
}

function fail(response: ServerResponse, type: string, message: string) {
  answer(response, 400, { __type: type, message })
}
