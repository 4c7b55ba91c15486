// A small HTTP client for real-socket tests: every outcome is a value, never a throw.
import { type Agent, request } from 'node:http'

/** `reused`: the request went out on a kept-alive connection, not a new one. */
export type Outcome =
  | {
      kind: 'response'
      status: number
      headers: Record<string, string | string[] | undefined>
      body: string
      reused: boolean
    }
  | { kind: 'error'; code: string; reused: boolean }

export interface Call {
  method?: string
  path: string
  headers?: Record<string, string>
  body?: unknown
  /** A keep-alive agent to reuse sockets; without it every call has its own connection. */
  agent?: Agent
}

export function call(
  port: number,
  { method = 'GET', path, headers = {}, body, agent }: Call,
): Promise<Outcome> {
  const payload = body === undefined ? undefined : JSON.stringify(body)
  return new Promise((resolve) => {
    const outgoing = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: agent ?? false,
        headers: {
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
          ...headers,
        },
      },
      (incoming) => {
        let text = ''
        incoming.setEncoding('utf8')
        incoming.on('data', (chunk) => {
          text += chunk
        })
        incoming.on('end', () =>
          resolve({
            kind: 'response',
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            body: text,
            reused: outgoing.reusedSocket,
          }),
        )
        incoming.on('error', (error: NodeJS.ErrnoException) =>
          resolve({ kind: 'error', code: error.code ?? error.message, reused: outgoing.reusedSocket }),
        )
      },
    )
    outgoing.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ kind: 'error', code: error.code ?? error.message, reused: outgoing.reusedSocket }),
    )
    outgoing.end(payload)
  })
}
