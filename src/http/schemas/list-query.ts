// The parts of a list's query string that resources share: the page (limit, cursor), a projection
// (`fields=`) and a range of creation times.
import { z } from 'zod'
import { MAX_CURSOR_LENGTH } from '../../models/index.js'

/** `limit` and `cursor`: the size of a page, and where the previous one ended. */
export const pageParameters = {
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(MAX_CURSOR_LENGTH).optional(),
}

/** `fields=a,b`: a comma-separated choice among `names`, each once. */
export function fieldList<const Names extends readonly [string, ...string[]]>(names: Names) {
  return z
    .string()
    .transform((value) => [...new Set(value.split(',').map((field) => field.trim()))])
    .pipe(z.array(z.enum(names)).min(1))
}

/** ISO-8601 or unix seconds, as unix seconds. */
export const timestampParameter = z.string().transform((value, context) => {
  if (/^\d{1,10}$/.test(value)) return Number(value)
  const millis =
    z.iso.datetime({ offset: true }).safeParse(value).success || z.iso.date().safeParse(value).success
      ? Date.parse(value)
      : Number.NaN
  if (Number.isNaN(millis)) {
    context.addIssue({ code: 'custom', message: 'must be an ISO-8601 timestamp or unix seconds' })
    return z.NEVER
  }
  return Math.floor(millis / 1000)
})

/** What a list by creation time takes (see createdTimeList): a range, and newest or oldest first. */
export const createdRangeParameters = {
  createdFrom: timestampParameter.optional(),
  createdTo: timestampParameter.optional(),
  order: z.enum(['asc', 'desc']).default('desc'),
}
