// Filters as data, written in model field names and compiled to placeholders.
import type { ExpressionAttributes } from './expression.js'

export type Filter =
  | { op: 'eq' | 'ne'; field: string; value: string | number | boolean }
  | { op: 'notExists'; field: string }
  | { op: 'and' | 'or'; filters: Filter[] }

export const eq = (field: string, value: string | number | boolean): Filter => ({ op: 'eq', field, value })
export const ne = (field: string, value: string | number | boolean): Filter => ({ op: 'ne', field, value })
export const notExists = (field: string): Filter => ({ op: 'notExists', field })
export const and = (...filters: Filter[]): Filter => ({ op: 'and', filters })
export const or = (...filters: Filter[]): Filter => ({ op: 'or', filters })

export function compileFilter(filter: Filter, attributes: ExpressionAttributes): string {
  switch (filter.op) {
    case 'eq':
      return `${attributes.path(filter.field)} = ${attributes.value(filter.value)}`
    case 'ne':
      return `${attributes.path(filter.field)} <> ${attributes.value(filter.value)}`
    case 'notExists':
      return `attribute_not_exists(${attributes.path(filter.field)})`
    case 'and':
    case 'or':
      return `(${filter.filters.map((inner) => compileFilter(inner, attributes)).join(` ${filter.op.toUpperCase()} `)})`
  }
}
