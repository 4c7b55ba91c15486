// A request to an unversioned path of a versioned resource (`/groups/...`) is served by the version
// its API-Version header names, or the default one: its URL is rewritten to `/<version>/groups/...`
// before routing. Other paths (/health, /metrics, /docs, unknown ones) are left as they are.
import { API_VERSION_HEADER, DEFAULT_API_VERSION, isApiVersion } from './versions.js'

const FIRST_SEGMENT = /^\/([^/?#]+)/
const V = 'v'.charCodeAt(0)
const isDigit = (code: number) => code >= 48 && code <= 57

export class UnversionedPaths {
  readonly #resources = new Set<string>()

  /** Remembers the resource of a route registered under a version prefix (`/v2/groups/:id` → groups). */
  addVersionedRoute(url: string): void {
    const resource = url.split('/')[2]
    if (resource) this.#resources.add(resource)
  }

  /** True for `/groups...`: a path that is served by a version although it names none. */
  isUnversioned(url: string): boolean {
    const segment = FIRST_SEGMENT.exec(url)?.[1]
    return segment !== undefined && this.#resources.has(segment)
  }

  /** Fastify's rewriteUrl: the versioned URL, or the URL itself (a bad header is refused later). */
  rewrite(url: string, headers: Record<string, string | string[] | undefined>): string {
    // Every request passes here: a versioned path (`/v2/...`) is let through at once.
    if (url.charCodeAt(1) === V && isDigit(url.charCodeAt(2))) return url
    if (!this.isUnversioned(url)) return url
    const version = requestedVersion(headers)
    return isApiVersion(version) ? `/${version}${url}` : url
  }
}

/** The version the API-Version header asks for, or the default one when there is none. */
export function requestedVersion(headers: Record<string, string | string[] | undefined>): string {
  const header = headers[API_VERSION_HEADER]
  if (header === undefined) return DEFAULT_API_VERSION
  return (Array.isArray(header) ? header.join(',') : header).trim()
}
