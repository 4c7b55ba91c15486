// Fastify's own schema compilers (Ajv for validation, fast-json-stringify for serialization), loaded
// when a route first needs one instead of when the instance is created. The app installs its own
// compilers before any route, so a server never loads Ajv at all (about 30 ms of every start-up and
// a few MB). Whoever drops setValidatorCompiler or setSerializerCompiler gets Fastify's defaults
// as before: these are the same factories, made once.
import { createRequire } from 'node:module'
import type { FastifyServerOptions } from 'fastify'

type Factories = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>

// Resolved from Fastify's own folder: these are its dependencies, not the app's.
const requireFromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'))

function madeOnFirstUse<Factory extends (...args: never[]) => unknown>(make: () => Factory): Factory {
  let factory: Factory | undefined
  return ((...args: Parameters<Factory>) => {
    factory ??= make()
    return factory(...args)
  }) as Factory
}

export const defaultCompilersOnFirstUse: Factories = {
  buildValidator: madeOnFirstUse(() =>
    (requireFromFastify('@fastify/ajv-compiler') as typeof import('@fastify/ajv-compiler'))(),
  ),
  buildSerializer: madeOnFirstUse(() =>
    (
      requireFromFastify(
        '@fastify/fast-json-stringify-compiler',
      ) as typeof import('@fastify/fast-json-stringify-compiler')
    )(),
  ),
}
