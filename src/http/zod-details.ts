import type { z } from 'zod'
import type { ErrorDetail } from '../errors/app-error.js'

/** Error details for zod issues: one per bad field, and one per unknown key. */
export function detailsOf(issues: readonly z.core.$ZodIssue[], prefix = ''): ErrorDetail[] {
  return issues.flatMap((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.')
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: [path, key].filter(Boolean).join('.'),
        message: 'unknown field',
      }))
    }
    return [{ field: path || prefix || 'body', message: issue.message }]
  })
}
