// Reading every parameter under a path from SSM Parameter Store (GetParametersByPath: recursive,
// decrypted, page by page), within a time bound: start-up must fail, not hang, when SSM does not
// answer.
import { GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { ConfigError } from './config-error.js'

export interface SsmSource {
  /** The path, template filled in, starting and ending with `/`. */
  path: string
  region: string
  endpoint: string | undefined
  /** Static credentials for a local endpoint when the environment has none. */
  useLocalCredentials: boolean
  timeoutMs: number
}

export interface SsmParameter {
  name: string
  value: string
  /** A SecureString: its value is never written anywhere. */
  secure: boolean
}

// The most GetParametersByPath returns in one page.
const PAGE_SIZE = 10
const MAX_ATTEMPTS = 3

export async function readSsmParameters(source: SsmSource): Promise<SsmParameter[]> {
  const client = new SSMClient({
    region: source.region,
    ...(source.endpoint ? { endpoint: source.endpoint } : {}),
    ...(source.useLocalCredentials
      ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: source.timeoutMs,
      requestTimeout: source.timeoutMs,
    }),
  })
  const deadline = new AbortController()
  const timer = setTimeout(() => deadline.abort(), source.timeoutMs)
  try {
    const parameters: SsmParameter[] = []
    let nextToken: string | undefined
    do {
      const page = await client.send(
        new GetParametersByPathCommand({
          Path: source.path,
          Recursive: true,
          WithDecryption: true,
          MaxResults: PAGE_SIZE,
          NextToken: nextToken,
        }),
        { abortSignal: deadline.signal },
      )
      for (const { Name, Value, Type } of page.Parameters ?? []) {
        if (Name && Value !== undefined)
          parameters.push({ name: Name, value: Value, secure: Type === 'SecureString' })
      }
      nextToken = page.NextToken
    } while (nextToken)
    return parameters
  } catch (error) {
    const where = `the SSM parameters under ${source.path}`
    if (deadline.signal.aborted)
      throw new ConfigError(`could not read ${where} within ${source.timeoutMs} ms (CONFIG_SSM_TIMEOUT_MS)`)
    throw new ConfigError(`could not read ${where}: ${reason(error)}`)
  } finally {
    clearTimeout(timer)
    client.destroy()
  }
}

/** The SDK's error as one line: its name and code, and SSM's own message when it answered. */
function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const code = (error as NodeJS.ErrnoException).code
  return [error.name, code, error.message]
    .filter((part, i, all) => part && all.indexOf(part) === i)
    .join(': ')
}
