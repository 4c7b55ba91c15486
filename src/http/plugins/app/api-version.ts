// Every response says which API version served it (answer-headers.ts sets it). A request for a
// version this server does not speak (`/v3/...`, or `API-Version: v9` on an unversioned path) is
// refused with a 400 that names the supported ones.
import type { FastifyRequest } from 'fastify'
import type { AppError } from '../../../errors/app-error.js'
import { requestedVersion, type UnversionedPaths } from '../../versioning/unversioned-paths.js'
import { isApiVersion, unsupportedVersion } from '../../versioning/versions.js'

const PATH_VERSION = /^\/(v\d+)(?:[/?#]|$)/

/** No route matched: the refusal, when the URL names, or the header asks for, an unknown version. */
export function unknownVersionRefusal(
  request: FastifyRequest,
  unversioned: UnversionedPaths,
): AppError | undefined {
  const inPath = PATH_VERSION.exec(request.url)?.[1]
  if (inPath !== undefined && !isApiVersion(inPath)) return unsupportedVersion(inPath, 'path')
  if (!unversioned.isUnversioned(request.url)) return undefined
  const inHeader = requestedVersion(request.headers)
  if (!isApiVersion(inHeader)) return unsupportedVersion(inHeader, 'API-Version')
  return undefined
}
