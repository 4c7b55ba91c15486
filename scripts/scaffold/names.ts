// The names a new resource goes by, from the one the developer gives (`widget`, `work_order`), and
// the reasons a name cannot be used: not a lower-case identifier, taken by a resource or by the
// keys of a model already in the table, or a word the API or JavaScript already uses.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { layoutOf, type Model, type ModelClass } from '../../src/models/index.js'
import type { AnyResource } from '../../src/resources/define-resource.js'

export interface ResourceNames {
  /** As given: the key prefix and the audit log's entity type (`work_order`). */
  name: string
  /** The model class (`WorkOrder`). */
  className: string
  /** In words, singular and plural (`work order`, `work orders`). */
  noun: string
  nouns: string
  /** The declaration's variable (`workOrders`). */
  variable: string
  /** The collection's path (`/work-orders`) and the file name of the declaration and test (`work-orders`). */
  path: string
  file: string
}

export const NAME_PATTERN = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/
const MAX_NAME_LENGTH = 40
// Paths and words the API has besides its resources, and a few that would read as something else.
const RESERVED = ['health', 'metrics', 'docs', 'openapi', 'me', 'batch', 'platform', 'tenant', 'resource']

/** English plurals for the common cases; `--plural` gives any other. */
export function pluralOf(word: string): string {
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`
  return `${word}s`
}

const capitalised = (word: string) => word.charAt(0).toUpperCase() + word.slice(1)

export function namesOf(name: string, plural?: string): ResourceNames {
  const words = name.split('_')
  const pluralWords = plural ? plural.split('_') : [...words.slice(0, -1), pluralOf(words.at(-1) ?? name)]
  return {
    name,
    className: words.map(capitalised).join(''),
    noun: words.join(' '),
    nouns: pluralWords.join(' '),
    variable: pluralWords.map((word, index) => (index === 0 ? word : capitalised(word))).join(''),
    path: `/${pluralWords.join('-')}`,
    file: pluralWords.join('-'),
  }
}

/** The first segment of every key a model writes (after `tenant#<id>#`): a new resource's may not be one. */
export function keyPrefixesOf(models: readonly ModelClass<Model>[]): Set<string> {
  const prefixes = new Set<string>()
  for (const model of models) {
    const sample = Object.assign(new model(), {
      id: 'i',
      tenantId: 't',
      userId: 'u',
      createdUtc: '2024-01-01T00:00:00.000Z',
      updatedUtc: '2024-01-01T00:00:00.000Z',
    })
    for (const index of Object.values(model.indexes)) {
      for (const key of [index?.pk, index?.sk]) {
        let built: string | undefined
        try {
          built = key?.(sample)
        } catch {
          continue
        }
        const segments = built?.startsWith('tenant#t#') ? built.slice(9) : built
        if (segments) prefixes.add(segments.split('#')[0] as string)
      }
    }
  }
  return prefixes
}

export interface Taken {
  resources: readonly AnyResource[]
  models: readonly ModelClass<Model>[]
  /** The repository, where the new files would go. */
  root: string
}

/** Why the resource cannot be added, or undefined when it can. */
export function refusalOf(names: ResourceNames, taken: Taken): string | undefined {
  const { name } = names
  if (!NAME_PATTERN.test(name) || name.length > MAX_NAME_LENGTH)
    return `${JSON.stringify(name)} is not a lower-case identifier: a letter, then letters and digits, words joined by _ (widget, work_order), at most ${MAX_NAME_LENGTH} characters`
  if (!NAME_PATTERN.test(names.nouns.replaceAll(' ', '_')))
    return `the plural ${JSON.stringify(names.nouns)} is not a lower-case identifier`
  if (names.nouns === names.noun) return `the plural of ${name} must differ from it: give --plural`
  for (const resource of taken.resources) {
    if (resource.path === names.path) return `${names.path} is the path of the resource ${resource.noun}`
    if (layoutOf(resource.model).modelName === name) return `${name} is a resource already`
  }
  const models = taken.models.map((model) => layoutOf(model).modelName)
  if (models.includes(name)) return `${name} is a model already`
  const prefixes = keyPrefixesOf(taken.models)
  for (const word of [name, names.path.slice(1)]) {
    if (prefixes.has(word)) return `${word} starts the keys of a model already in the table`
    if (RESERVED.includes(word)) return `${word} is reserved`
  }
  if (names.className in globalThis) return `${names.className} would shadow the global ${names.className}`
  for (const file of [`src/resources/${names.file}.ts`, `test/resources/${names.file}.test.ts`]) {
    if (existsSync(join(taken.root, file))) return `${file} exists already`
  }
  return undefined
}
