// Closing a connection while the client is still sending makes the kernel answer what arrives
// next with a reset, and a client that meets the reset before it has read our answer loses the
// answer (EPIPE or ECONNRESET instead of the 413). A lingering close, as nginx does it, sends our
// FIN at once, then lets what the client still sends be read and dropped, within bounds, before
// closing. Node's HTTP parser keeps reading the socket meanwhile (and drops the rest of the body).
import type { Socket } from 'node:net'

export interface LingerBounds {
  /** The connection is destroyed this long after our answer, whatever the client is doing. */
  timeoutMs: number
  /** ...or once the client has sent this many more bytes. */
  maxBytes: number
}

// How often the bytes read are compared with the bound: reading through the HTTP parser, they
// raise no event of their own.
const BYTES_CHECK_INTERVAL_MS = 20

const kLingering = Symbol('lingering')

type Lingering = Socket & { [kLingering]?: true }

/** True once lingeringClose has taken the socket over: nothing more is written to it. */
export function isLingering(socket: Socket): boolean {
  return (socket as Lingering)[kLingering] === true
}

/** Ends our side of the connection now; destroys it when the client ends its side, or at the bounds. */
export function lingeringClose(socket: Socket, bounds: LingerBounds): void {
  if (isLingering(socket) || socket.destroyed) return
  ;(socket as Lingering)[kLingering] = true
  socket.end()
  const readBefore = socket.bytesRead
  const deadline = setTimeout(() => socket.destroy(), bounds.timeoutMs)
  const bytesCheck = setInterval(() => {
    if (socket.bytesRead - readBefore > bounds.maxBytes) socket.destroy()
  }, BYTES_CHECK_INTERVAL_MS)
  deadline.unref()
  bytesCheck.unref()
  socket.once('end', () => socket.destroy())
  socket.once('close', () => {
    clearTimeout(deadline)
    clearInterval(bytesCheck)
  })
}
