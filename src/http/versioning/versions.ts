// The API versions this server speaks. Handlers implement HANDLER_VERSION; every other version is
// served through the schema changes its resources declare (see schema-change.ts).
import { validationError } from '../../errors/app-error.js'

export const API_VERSIONS = ['v1', 'v2'] as const
export type ApiVersion = (typeof API_VERSIONS)[number]

/** The shape handlers and services speak; a version without changes is served as is. */
export const HANDLER_VERSION: ApiVersion = 'v2'
/** The version of a request to an unversioned path without an API-Version header. */
export const DEFAULT_API_VERSION: ApiVersion = 'v2'

export const API_VERSION_HEADER = 'api-version'

export function isApiVersion(value: unknown): value is ApiVersion {
  return API_VERSIONS.includes(value as ApiVersion)
}

/** 400 naming the versions there are; `field` says where the unknown one came from. */
export function unsupportedVersion(given: string, field: 'path' | 'API-Version') {
  const supported = API_VERSIONS.join(', ')
  return validationError(
    [{ field, message: `must be one of ${supported}` }],
    `API version ${JSON.stringify(given.slice(0, 20))} is not supported; supported versions: ${supported}`,
  )
}
