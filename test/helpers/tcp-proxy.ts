// A TCP proxy in front of DynamoDB Local that can go silent: while it hangs, connections are
// accepted (and the ones already open kept) but nothing is forwarded or answered, as when a
// dependency stalls rather than refuses. Callers then meet their own timeouts.
import net from 'node:net'

export interface TcpProxy {
  /** `http://127.0.0.1:<port>` */
  endpoint: string
  hang(): void
  /** Forwards again; the connections that went silent are closed. */
  resume(): void
  close(): Promise<void>
}

export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const { hostname, port } = new URL(target)
  let hanging = false
  const forwarded = new Set<{ client: net.Socket; upstream: net.Socket }>()
  const silent = new Set<net.Socket>()

  const keepSilent = (client: net.Socket) => {
    silent.add(client)
    client.resume() // read and drop whatever is sent
    client.on('error', () => {})
    client.on('close', () => silent.delete(client))
  }

  const server = net.createServer((client) => {
    if (hanging) return keepSilent(client)
    const upstream = net.connect(Number(port), hostname)
    const pair = { client, upstream }
    forwarded.add(pair)
    const end = () => {
      forwarded.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
    client.pipe(upstream)
    upstream.pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port: proxyPort } = server.address() as net.AddressInfo

  return {
    endpoint: `http://127.0.0.1:${proxyPort}`,
    hang() {
      hanging = true
      for (const pair of forwarded) {
        forwarded.delete(pair)
        pair.client.unpipe(pair.upstream)
        pair.upstream.unpipe(pair.client)
        pair.upstream
          .removeAllListeners('close')
          .removeAllListeners('error')
          .on('error', () => {})
        pair.upstream.destroy()
        pair.client.removeAllListeners('close').removeAllListeners('error')
        keepSilent(pair.client)
      }
    },
    resume() {
      hanging = false
      for (const client of silent) client.destroy()
    },
    async close() {
      for (const client of silent) client.destroy()
      for (const { client, upstream } of forwarded) {
        client.destroy()
        upstream.destroy()
      }
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
