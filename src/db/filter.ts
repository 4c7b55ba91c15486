// Filters as data, written in model field names and compiled to placeholders: no field name or
// value ever enters an expression as text.
import type { ExpressionAttributes } from './expression.js'

export type Scalar = string | number | boolean

export type Filter =
  | { op: 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte'; field: string; value: Scalar }
  | { op: 'between'; field: string; low: Scalar; high: Scalar }
  | { op: 'beginsWith'; field: string; value: string }
  | { op: 'contains'; field: string; value: Scalar }
  | { op: 'in'; field: string; values: readonly Scalar[] }
  | { op: 'exists' | 'notExists'; field: string }
  | { op: 'and' | 'or'; filters: readonly Filter[] }
  | { op: 'not'; filter: Filter }

export const eq = (field: string, value: Scalar): Filter => ({ op: 'eq', field, value })
export const ne = (field: string, value: Scalar): Filter => ({ op: 'ne', field, value })
export const lt = (field: string, value: Scalar): Filter => ({ op: 'lt', field, value })
export const lte = (field: string, value: Scalar): Filter => ({ op: 'lte', field, value })
export const gt = (field: string, value: Scalar): Filter => ({ op: 'gt', field, value })
export const gte = (field: string, value: Scalar): Filter => ({ op: 'gte', field, value })
export const between = (field: string, low: Scalar, high: Scalar): Filter => ({
  op: 'between',
  field,
  low,
  high,
})
export const beginsWith = (field: string, value: string): Filter => ({ op: 'beginsWith', field, value })
export const contains = (field: string, value: Scalar): Filter => ({ op: 'contains', field, value })
export const isIn = (field: string, values: readonly Scalar[]): Filter => ({ op: 'in', field, values })
export const exists = (field: string): Filter => ({ op: 'exists', field })
export const notExists = (field: string): Filter => ({ op: 'notExists', field })
export const and = (...filters: Filter[]): Filter => ({ op: 'and', filters })
export const or = (...filters: Filter[]): Filter => ({ op: 'or', filters })
export const not = (filter: Filter): Filter => ({ op: 'not', filter })

const COMPARATORS = { eq: '=', ne: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=' } as const

/** DynamoDB allows at most 100 operands in IN. */
export const MAX_IN_VALUES = 100

export function compileFilter(filter: Filter, attributes: ExpressionAttributes): string {
  switch (filter.op) {
    case 'eq':
    case 'ne':
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return `${attributes.path(filter.field)} ${COMPARATORS[filter.op]} ${attributes.value(filter.value)}`
    case 'between':
      return `${attributes.path(filter.field)} BETWEEN ${attributes.value(filter.low)} AND ${attributes.value(filter.high)}`
    case 'beginsWith':
      return `begins_with(${attributes.path(filter.field)}, ${attributes.value(filter.value)})`
    case 'contains':
      return `contains(${attributes.path(filter.field)}, ${attributes.value(filter.value)})`
    case 'in': {
      if (filter.values.length === 0 || filter.values.length > MAX_IN_VALUES) {
        throw new RangeError(`IN takes 1 to ${MAX_IN_VALUES} values`)
      }
      const values = filter.values.map((value) => attributes.value(value)).join(', ')
      return `${attributes.path(filter.field)} IN (${values})`
    }
    case 'exists':
      return `attribute_exists(${attributes.path(filter.field)})`
    case 'notExists':
      return `attribute_not_exists(${attributes.path(filter.field)})`
    case 'not':
      return `(NOT ${compileFilter(filter.filter, attributes)})`
    case 'and':
    case 'or':
      return `(${filter.filters.map((inner) => compileFilter(inner, attributes)).join(` ${filter.op.toUpperCase()} `)})`
  }
}

/** Every field path a filter reads, to be checked against the model before compiling. */
export function fieldsOf(filter: Filter): string[] {
  switch (filter.op) {
    case 'and':
    case 'or':
      return filter.filters.flatMap(fieldsOf)
    case 'not':
      return fieldsOf(filter.filter)
    default:
      return [filter.field]
  }
}
