// Field names that reach an expression (projections, filters) must be fields the model declares;
// anything else is the caller's mistake (400), never an attribute name passed through.
import { validationError } from '../errors/app-error.js'
import type { ModelLayout } from '../models/mapper.js'

const NESTED_SEGMENT = /^[A-Za-z][A-Za-z0-9]{0,63}$/

/** Throws VALIDATION_ERROR naming `parameter` unless every path starts with a declared field. */
export function assertKnownFields(layout: ModelLayout, paths: readonly string[], parameter: string): void {
  for (const path of paths) {
    const [field, ...nested] = path.split('.')
    const known = field !== undefined && layout.fields.includes(field)
    if (!known || !nested.every((segment) => NESTED_SEGMENT.test(segment))) {
      throw validationError([{ field: parameter, message: `unknown field: ${path.slice(0, 100)}` }])
    }
  }
}

/**
 * A projection DynamoDB accepts: each path once, and none inside another that is also asked for
 * (`privacySettings` already covers `privacySettings.visibility`).
 */
export function normaliseProjection(paths: readonly string[]): string[] {
  const unique = [...new Set(paths)]
  return unique.filter((path) => !unique.some((other) => other !== path && path.startsWith(`${other}.`)))
}
