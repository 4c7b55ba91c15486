// A real JWKS endpoint on a local port that counts the requests it answers, and signing keys to
// publish in it.
import { generateKeyPairSync, type JsonWebKey } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createSigner } from 'fast-jwt'

export const JWKS_PATH = '/pool/.well-known/jwks.json'

export interface SigningKey {
  kid: string
  /** The public key as the JWKS publishes it. */
  jwk: JsonWebKey
  /** A token signed with the private key, naming `kid` (or another) in its header; exp in a minute unless given. */
  sign(claims: Record<string, unknown>, kid?: string): string
}

export function signingKey(kind: 'RS256' | 'ES256', kid: string): SigningKey {
  const pair =
    kind === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const key = pair.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string
  return {
    kid,
    jwk: { ...pair.publicKey.export({ format: 'jwk' }), kid, alg: kind, use: 'sig' },
    sign: (claims, otherKid) =>
      createSigner({
        key,
        algorithm: kind,
        kid: otherKid ?? kid,
        ...(claims.exp === undefined ? { expiresIn: 60_000 } : {}),
      })(claims),
  }
}

export interface JwksServer {
  url: string
  /** Requests for the key set answered so far. */
  readonly requests: number
  /** Replaces the published keys (a rotation). */
  publish(keys: SigningKey[]): void
  /** Answers every request with this status and no keys, until called with 200. */
  answerWith(status: number): void
}

interface TestLike {
  teardown(fn: () => unknown): void
}

export async function startJwksServer(t: TestLike, keys: SigningKey[]): Promise<JwksServer> {
  let body = ''
  let requests = 0
  let status = 200
  const publish = (next: SigningKey[]) => {
    body = JSON.stringify({ keys: next.map((key) => key.jwk) })
  }
  publish(keys)
  const server = createServer((request, response) => {
    if (request.url !== JWKS_PATH) return response.writeHead(404).end()
    requests++
    if (status !== 200) return response.writeHead(status).end()
    response.writeHead(200, { 'content-type': 'application/json' }).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}${JWKS_PATH}`,
    get requests() {
      return requests
    },
    publish,
    answerWith: (next) => {
      status = next
    },
  }
}
