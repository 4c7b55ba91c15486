// Index definitions live in each model; the table definition and every query derive from them.

export type IndexName = 'primary' | `gsi${number}`

export interface IndexDefinition<M> {
  pk: (model: M) => string
  sk: (model: M) => string
}

export type IndexDefinitions<M> = { primary: IndexDefinition<M> } & Partial<
  Record<`gsi${1 | 2 | 3 | 4 | 5}`, IndexDefinition<M>>
>

/** Attribute names of an index's keys: `pk`/`sk` for the table, `gsi1_pk`/`gsi1_sk` for gsi1. */
export function keyAttributes(index: IndexName): { pk: string; sk: string } {
  return index === 'primary' ? PRIMARY_ATTRIBUTES : { pk: `${index}_pk`, sk: `${index}_sk` }
}

const PRIMARY_ATTRIBUTES = Object.freeze({ pk: 'pk', sk: 'sk' })
