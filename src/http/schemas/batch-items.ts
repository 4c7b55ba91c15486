// The items of a batch body are validated one by one, so that an invalid item is reported by its
// index instead of refusing the whole batch. The item schema is part of the body schema, so an API
// version that changes the body validates its items with its own item schema.
import { z } from 'zod'
import type { ErrorDetail } from '../../errors/app-error.js'
import { detailsOf } from '../zod-details.js'
import { maxJsonBytes } from './json-size.js'

/**
 * One item as validated: its value, or what is wrong with it. An invalid item keeps the item as
 * sent, so that two batches with different invalid items still parse to different bodies.
 */
export type CheckedItem<T> =
  | { valid: true; value: T }
  | { valid: false; item: unknown; details: ErrorDetail[] }

/** Any value, checked against `schema` without failing the body it is in. */
export function checkedItem<T extends z.ZodType>(
  schema: T,
  description: string,
): z.ZodType<CheckedItem<z.output<T>>, unknown> {
  // overwrite, not transform: zod leaves the examples of a body that transforms out of its JSON
  // Schema (they could be parsed values), and the batch bodies' examples are what clients send.
  return z
    .unknown()
    .meta({ description })
    .overwrite((item): CheckedItem<z.output<T>> => {
      const parsed = schema.safeParse(item)
      if (parsed.success) return { valid: true, value: parsed.data }
      return { valid: false, item, details: detailsOf(parsed.error.issues) }
    }) as z.ZodType<CheckedItem<z.output<T>>, unknown>
}

/** The most bytes a body `{ "items": [...] }` of up to `maxItems` valid items takes as JSON. */
export function maxBatchBytes(item: z.ZodType, maxItems: number): number {
  return '{"items":[]}'.length + maxItems * maxJsonBytes(item) + (maxItems - 1)
}
