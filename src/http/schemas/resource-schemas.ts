// A resource's HTTP shapes derived from its fields: what a client sends (`input`), what it reads
// besides the fields every item has (`output`), and an example. The create body takes the input
// fields (no others), an update any of them (at least one); an item shows the output fields between
// the id, tenant and owner and the version and times; a list query takes a page, a projection over
// the item's fields and the resource's own parameters. OpenAPI component ids follow the name:
// Create<Name>, Update<Name>, <Name>, Listed<Name>, Create<Name>Batch, <Name>BatchOutcomes.
import { z } from 'zod'
import { OPAQUE_ID_PATTERN, subjectOf, type TenantModel } from '../../models/index.js'
import { type CheckedItem, checkedItem, maxBatchBytes } from './batch-items.js'
import { timestamp } from './envelope.js'
import { fieldList, pageParameters } from './list-query.js'

type Shape = z.ZodRawShape

/**
 * The path parameters of an item whose id is opaque. An id that does not match can name no item,
 * so the routes answer it 404 as a missing one (resource-routes.ts), not 400.
 */
export const idParams = z.strictObject({
  id: z.string().regex(OPAQUE_ID_PATTERN, 'no such id').meta({
    description: 'new ids are ULIDs; imported items keep theirs; case-insensitive; any other answers 404',
  }),
})

/** Whether a route's path parameters are `idParams`, whose malformed ids answer 404. */
export const takesOpaqueId = (params: unknown): boolean => params === idParams

export const EXAMPLE_ID = '01HM4ZB3Q5X7K9N2P4R6T8V0WY'
const EXAMPLE_TIME = '2024-01-15T10:00:00.000Z'

export interface ResourceFields<Input extends Shape, Output extends Shape, List extends Shape> {
  /** PascalCase, singular: the component ids' stem (`Widget`). */
  name: string
  /** The collection's path, as in the declaration (`/widgets`). */
  path: string
  /** The fields a create body takes; an update takes each of them too. */
  input: Input
  /** The fields an item shows besides id, tenantId, userId, version, createdUtc and updatedUtc. */
  output: Output
  /**
   * Values of the output fields; those of the input fields must be valid input as well (they are
   * the create body's example, and its first field the update's).
   */
  example: z.input<z.ZodObject<Output>>
  /** The list query's own parameters, beside limit, cursor and fields. */
  listParameters: List
  /** With a batch route: the most items a batch create takes. */
  batchMax?: number
}

/** Derives everything a declaration needs for its HTTP side: `...resourceShapes({ … })`. */
export function resourceShapes<Input extends Shape, Output extends Shape, List extends Shape>(
  fields: ResourceFields<Input, Output, List>,
) {
  const { name, path, input, output, listParameters, batchMax } = fields
  const noun = name.replace(/(?<=[a-z0-9])([A-Z])/g, ' $1').toLowerCase()
  const inputNames = Object.keys(input)
  const inputExample = Object.fromEntries(
    Object.entries(fields.example).filter(([field]) => inputNames.includes(field)),
  )
  const [firstInput] = Object.entries(inputExample)

  const create = z.strictObject(input).meta({ id: `Create${name}`, examples: [inputExample] })
  const update = z
    .strictObject(input)
    .partial()
    .refine((changes) => Object.keys(changes).length > 0, { message: 'at least one field must be given' })
    .meta({ id: `Update${name}`, examples: firstInput ? [Object.fromEntries([firstInput])] : [] })

  const itemShape = {
    id: z.string().meta({ description: 'opaque: a ULID for new items, an imported item keeps its own id' }),
    tenantId: z.string(),
    userId: z.string().meta({ description: 'the owner’s sub; `#platform` when a platform admin created it' }),
    ...output,
    version: z.int().min(1).meta({ description: 'grows with every change; the ETag' }),
    createdUtc: timestamp,
    updatedUtc: timestamp,
  }
  const itemExample = {
    id: EXAMPLE_ID,
    tenantId: 'acme',
    userId: 'alice',
    ...fields.example,
    version: 1,
    createdUtc: EXAMPLE_TIME,
    updatedUtc: EXAMPLE_TIME,
  }
  const responseFields = Object.keys(itemShape) as [string, ...string[]]
  const item = z.strictObject(itemShape).meta({ id: name, examples: [itemExample] })
  const listed = z
    .strictObject(itemShape)
    .partial()
    .meta({
      id: `Listed${name}`,
      description: `a ${noun}; only the fields named by \`fields=\` when it is given`,
      examples: [itemExample, { id: EXAMPLE_ID }],
    })
  const listQuery = z.strictObject({
    ...listParameters,
    ...pageParameters,
    fields: fieldList(responseFields).optional(),
  })

  const batch =
    batchMax === undefined
      ? undefined
      : {
          body: z
            .strictObject({
              items: z
                .array(checkedItem(create, `a ${noun} body, as for POST ${path}`))
                .min(1)
                .max(batchMax),
            })
            .meta({ id: `Create${name}Batch`, examples: [{ items: [inputExample] }] }) as z.ZodType<
            { items: CheckedItem<z.output<typeof create>>[] },
            unknown
          >,
          outcomes: batchOutcomesOf(name, noun),
        }

  return {
    schemas: {
      create,
      update,
      params: idParams,
      listQuery,
      item,
      listed,
      ...(batch ? { batch } : {}),
    },
    present: presenter(responseFields),
    ...(batchMax === undefined
      ? {}
      : { batch: { max: batchMax, bodyLimitBytes: maxBatchBytes(create, batchMax) } }),
  }
}

/** What a client sees of an item: `fields` (all of them unless a list names some), owners as subjects. */
export function presenter<M extends TenantModel>(fields: readonly string[]) {
  return (item: M, shown: readonly string[] = fields): Record<string, unknown> => {
    const body: Record<string, unknown> = {}
    for (const field of shown)
      body[field] = field === 'userId' ? subjectOf(item.userId) : item[field as keyof M]
    return body
  }
}

const itemError = z.strictObject({
  code: z
    .string()
    .meta({ description: 'VALIDATION_ERROR, or SERVICE_UNAVAILABLE when it could not be written' }),
  message: z.string(),
  details: z.array(z.strictObject({ field: z.string(), message: z.string() })).optional(),
})

/** What became of each item of a batch create: its id, or why it was not written. */
export function batchOutcomesOf(name: string, noun: string, invalidField = 'name') {
  return z
    .array(
      z.union([
        z.strictObject({
          index: z.int().min(0),
          id: z.string().meta({ description: `the new ${noun}’s id` }),
        }),
        z.strictObject({ index: z.int().min(0), error: itemError }),
      ]),
    )
    .meta({
      id: `${name}BatchOutcomes`,
      examples: [
        [
          { index: 0, id: EXAMPLE_ID },
          {
            index: 1,
            error: {
              code: 'VALIDATION_ERROR',
              message: 'invalid item',
              details: [
                { field: invalidField, message: 'Too small: expected string to have >=1 characters' },
              ],
            },
          },
        ],
      ],
    })
}
