// Every response says which API version served it. A request for a version this server does not
// speak (`/v3/...`, or `API-Version: v9` on an unversioned path) is refused with a 400 that names
// the supported ones.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { requestedVersion, type UnversionedPaths } from '../../versioning/unversioned-paths.js'
import { DEFAULT_API_VERSION, isApiVersion, unsupportedVersion } from '../../versioning/versions.js'

const PATH_VERSION = /^\/(v\d+)(?:[/?#]|$)/

async function apiVersion(app: FastifyInstance, { unversioned }: { unversioned: UnversionedPaths }) {
  // Callback-style, like the other hooks every request runs: no promise to settle for it.
  app.addHook('onRequest', (request, reply, done) => {
    // routeOptions builds a new object on each read; this hook runs for every request.
    const { config, url } = request.routeOptions
    reply.header('API-Version', config.apiVersion ?? DEFAULT_API_VERSION)
    if (url === undefined) refuseUnknownVersion(request, unversioned)
    done()
  })
}

/** No route matched: maybe because the URL names, or the header asks for, an unknown version. */
function refuseUnknownVersion(request: FastifyRequest, unversioned: UnversionedPaths): void {
  const inPath = PATH_VERSION.exec(request.url)?.[1]
  if (inPath !== undefined && !isApiVersion(inPath)) throw unsupportedVersion(inPath, 'path')
  if (!unversioned.isUnversioned(request.url)) return
  const inHeader = requestedVersion(request.headers)
  if (!isApiVersion(inHeader)) throw unsupportedVersion(inHeader, 'API-Version')
}

export default fp(apiVersion, { name: 'api-version' })
