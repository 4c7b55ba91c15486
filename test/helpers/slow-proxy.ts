// An HTTP proxy in front of DynamoDB Local that answers late and counts the calls it forwards,
// for tests of probe timeouts, slowness thresholds and caching on a real socket.
import { createServer, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface SlowProxy {
  endpoint: string
  /** DynamoDB operations forwarded so far, by X-Amz-Target (`DynamoDB_20120810.GetItem` → `GetItem`). */
  calls: string[]
  delayMs: number
  close(): Promise<void>
}

export async function startSlowProxy(upstream: string, delayMs: number, port = 0): Promise<SlowProxy> {
  const target = new URL(upstream)
  const proxy: SlowProxy = { endpoint: '', calls: [], delayMs, close: async () => {} }
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = []
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
    incoming.on('end', () => {
      const operation = String(incoming.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown'
      proxy.calls.push(operation)
      setTimeout(() => {
        const forwarded = httpRequest(
          {
            host: target.hostname,
            port: target.port,
            method: incoming.method,
            path: incoming.url,
            headers: { ...incoming.headers, host: target.host },
          },
          (answer) => {
            outgoing.writeHead(answer.statusCode ?? 502, answer.headers)
            answer.pipe(outgoing)
          },
        )
        forwarded.on('error', () => outgoing.destroy())
        forwarded.end(Buffer.concat(chunks))
      }, proxy.delayMs)
    })
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  proxy.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  proxy.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return proxy
}
