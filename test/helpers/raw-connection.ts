// A bare TCP connection to a server, for requests no HTTP client would send: half-sent bodies,
// malformed request lines, hang-ups at a chosen moment. It records what the server sends and when
// it closes the connection.
import { connect, type Socket } from 'node:net'

export interface RawConnection {
  socket: Socket
  /** Everything received so far, as text. */
  received(): string
  /** Resolves with the time (performance.now()) the connection closed. */
  closedAt: Promise<number>
}

/**
 * `allowHalfOpen` keeps the connection sending after the server has ended its side, as a client
 * busy uploading does; by default it closes then, as most clients do.
 */
export async function rawConnection(port: number, { allowHalfOpen = false } = {}): Promise<RawConnection> {
  const socket: Socket = connect({ port, host: '127.0.0.1', allowHalfOpen })
  await new Promise((resolve) => socket.once('connect', resolve))
  let received = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk) => {
    received += chunk
  })
  const closedAt = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now())))
  socket.on('error', () => {})
  return { socket, received: () => received, closedAt }
}
