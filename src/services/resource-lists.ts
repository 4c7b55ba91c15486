// The kinds of list a resource declares: every item of one partition of an index (in sort-key
// order), or the items of a partition in a range of creation times.
import { invalidCursor } from '../db/cursor.js'
import { validationError } from '../errors/app-error.js'
import { type IndexName, keyOf, type TenantModel } from '../models/index.js'
import type { RequestContext } from './request-context.js'
import type { ListSpec } from './resource-service.js'
import { fail, ok } from './service-result.js'

type KeyFields<M, Params> = (context: RequestContext, params: Params) => Partial<M>

/** Every item of the partition that `key` names, in sort-key order. */
export function partitionList<M extends TenantModel, Params>(
  index: IndexName,
  key: KeyFields<M, Params>,
  options: { filtered: boolean },
): ListSpec<M, Params> {
  return {
    filtered: options.filtered,
    query: (context, params, model) =>
      ok({ index, partitionKey: keyOf(model, index, key(context, params)).pk }),
  }
}

export interface CreatedRange {
  /** Unix seconds, inclusive. */
  createdFrom?: number | undefined
  createdTo?: number | undefined
  order: 'asc' | 'desc'
}

// Sort keys hold unix seconds unpadded (as boto3-assist writes them), so range bounds are kept to
// ten digits to compare correctly as strings.
const EARLIEST_SECONDS = 1_000_000_000
const LATEST_SECONDS = 9_999_999_999

/** The items of a partition whose sort keys are `created#<unix seconds>#...`, in a range of times. */
export function createdTimeList<M extends TenantModel, Params extends CreatedRange & { cursor?: unknown }>(
  index: IndexName,
  key: KeyFields<M, Params>,
): ListSpec<M, Params> {
  return {
    filtered: true,
    query: (context, range, model) => {
      if (
        range.createdFrom !== undefined &&
        range.createdTo !== undefined &&
        range.createdFrom > range.createdTo
      )
        return fail(validationError([{ field: 'createdFrom', message: 'createdFrom is after createdTo' }]))
      const from = Math.max(range.createdFrom ?? EARLIEST_SECONDS, EARLIEST_SECONDS)
      const to = Math.min(range.createdTo ?? LATEST_SECONDS, LATEST_SECONDS)
      // The range lies wholly outside the seconds the index can hold, so nothing is in it; no
      // cursor was ever issued for it either.
      if (from > to) return range.cursor ? fail(invalidCursor()) : ok('empty' as const)
      // `~` sorts after every character a key holds, so `created#<to>#~` includes all of second <to>.
      const between = [`created#${from}`, `created#${to}#~`] as const
      const partitionKey = keyOf(model, index, key(context, range)).pk
      return ok({ index, partitionKey, sortKey: { between }, ascending: range.order === 'asc' })
    },
  }
}
