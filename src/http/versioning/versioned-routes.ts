// Registers the API's resource routes once per version, under `/<version>`. Route plugins are
// written for the handler version; each version's copy is adapted by applyVersion.
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { applyVersion } from './route-version.js'
import type { VersionChanges } from './schema-change.js'
import type { UnversionedPaths } from './unversioned-paths.js'
import { API_VERSIONS } from './versions.js'

export interface VersionedRoutesOptions {
  changes: VersionChanges
  unversioned: UnversionedPaths
  /** Registers the resources' route plugins. */
  routes: FastifyPluginAsync
}

export async function versionedRoutes(app: FastifyInstance, options: VersionedRoutesOptions) {
  for (const version of API_VERSIONS) {
    await app.register(
      async (scope) => {
        scope.addHook('onRoute', (route) => {
          applyVersion(route, version, options.changes[version])
          options.unversioned.addVersionedRoute(route.url)
        })
        await scope.register(options.routes)
      },
      { prefix: `/${version}` },
    )
  }
}
