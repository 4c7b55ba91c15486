// The OpenAPI document as the code generates it, and the committed copy under openapi/.
import { join } from 'node:path'
import { Validator } from '@seriousme/openapi-schema-validator'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config/config.js'
import { buildContainer } from '../src/container.js'
import { projectRoot } from './dynamodb-local.js'

export const DOCUMENT_PATH = join(projectRoot, 'openapi', 'openapi.json')

/** Builds the app (without touching DynamoDB) and returns the document it serves. */
export async function generateDocument(): Promise<Record<string, unknown>> {
  // A fixed configuration: the document must not depend on the environment it is generated in.
  const app = await buildApp(buildContainer(loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent' })))
  try {
    await app.ready()
    return app.swagger() as Record<string, unknown>
  } finally {
    await app.close()
  }
}

/** The document as committed: two-space JSON with a final newline. */
export const serializeDocument = (document: unknown) => `${JSON.stringify(document, null, 2)}\n`

/** The problems an OpenAPI validator finds in the document; empty when it is valid. */
export async function validateDocument(document: unknown): Promise<string[]> {
  const validator = new Validator()
  const result = await validator.validate(document as Record<string, unknown>)
  if (result.valid) return validator.version === '3.1' ? [] : [`OpenAPI ${validator.version}, not 3.1`]
  return (Array.isArray(result.errors) ? result.errors : [result.errors]).map((error) =>
    JSON.stringify(error),
  )
}
