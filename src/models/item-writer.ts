// The body of toItem, compiled once per model class: every attribute is written by its own name,
// in the order toItem defines. Written in a loop (item[name] = value), an item of twenty-odd
// attributes leaves V8's fast objects for a hash table on the way, which made building it, and
// every later read of it (marshalling, tenant checks), several times slower than the work itself.
// The names come from the model's own declarations and are quoted with JSON.stringify.
import type { IndexDefinition } from './indexes.js'
import type { Model } from './model.js'

export interface WriterLayout {
  modelName: string
  modelVersion: number
  fields: readonly string[]
  attributes: readonly string[]
  indexes: readonly { pkAttribute: string; skAttribute: string; definition: IndexDefinition<never> }[]
}

/**
 * `(model) => item`: each index key, `model_name`, each field that is neither null nor undefined
 * (objects with their keys in snake_case), then `model_version`. Null and undefined are left out: a
 * missing attribute is what conditions and sparse indexes test.
 */
export function compileItemWriter(
  layout: WriterLayout,
  snakeKeys: (value: unknown) => unknown,
): (model: Model) => Record<string, unknown> {
  const quote = JSON.stringify
  const lines = ['const item = {}']
  layout.indexes.forEach((index, i) => {
    lines.push(`item[${quote(index.pkAttribute)}] = indexes[${i}].definition.pk(model)`)
    lines.push(`item[${quote(index.skAttribute)}] = indexes[${i}].definition.sk(model)`)
  })
  lines.push('item.model_name = modelName', 'let value')
  layout.fields.forEach((field, i) => {
    lines.push(`value = model[${quote(field)}]`)
    lines.push(
      `if (value !== undefined && value !== null) item[${quote(layout.attributes[i])}] = snakeKeys(value)`,
    )
  })
  lines.push('item.model_version = modelVersion', 'return item')
  const build = new Function(
    'indexes',
    'modelName',
    'modelVersion',
    'snakeKeys',
    `'use strict'\nreturn function toItem(model) {\n${lines.join('\n')}\n}`,
  )
  return build(layout.indexes, layout.modelName, layout.modelVersion, snakeKeys)
}
