// The declaration `npm run new:resource` writes: a tenant-owned model with its keys, its shapes
// (resourceShapes) and the declaration. Every partition key starts `tenant#<tenantId>#<name>`,
// which no other model's does (names.ts refuses a name that would), on the indexes the table has.
import type { ResourceNames } from './names.js'

export const article = (noun: string) => (/^[aeiou]/.test(noun) ? 'an' : 'a')

export function declarationSource(n: ResourceNames): string {
  const a = `${article(n.noun)} ${n.noun}`
  const Nouns = n.nouns.charAt(0).toUpperCase() + n.nouns.slice(1)
  return `// ${Nouns}: a tenant's items, each owned by the user who created it. Everyone in the tenant reads
// them; the owner and tenant admins change them. Written by \`npm run new:resource -- ${n.name}\`.
import { z } from 'zod'
import { createdRangeParameters } from '../http/schemas/list-query.js'
import { resourceShapes } from '../http/schemas/resource-schemas.js'
import { buildKey, type IndexDefinitions, TenantModel, tenantKey, unixSeconds } from '../models/index.js'
import { can } from '../services/permissions.js'
import type { RequestContext } from '../services/request-context.js'
import { createdTimeList, partitionList } from '../services/resource-lists.js'
import { defineResource } from './define-resource.js'

export class ${n.className} extends TenantModel {
  static readonly modelVersion = 1
  static readonly fields = ['tenantId', 'userId', 'name', 'description'] as const

  /**
   * primary: one ${n.noun} by id
   * gsi1: a user's ${n.nouns}, by name (GET /v2${n.path}?scope=mine)
   * gsi2: the tenant's ${n.nouns}, by creation time (GET /v2${n.path})
   */
  static readonly indexes = {
    primary: {
      pk: (item) => tenantKey(item.tenantId, ['${n.name}', item.id]),
      sk: (item) => buildKey(['${n.name}', item.id]),
    },
    gsi1: {
      pk: (item) => tenantKey(item.tenantId, ['${n.name}', ''], ['user', item.userId]),
      sk: (item) => buildKey(['name', item.name], ['id', item.id]),
    },
    gsi2: {
      pk: (item) => tenantKey(item.tenantId, ['${n.name}', '']),
      sk: (item) => buildKey(['created', unixSeconds(item.createdUtc)], ['id', item.id]),
    },
  } satisfies IndexDefinitions<${n.className}>

  name = ''
  description: string | null = null
}

const shapes = resourceShapes({
  name: '${n.className}',
  path: '${n.path}',
  input: {
    name: z.string().trim().min(1).max(200),
    description: z.string().max(2000).nullable().optional(),
  },
  output: { name: z.string(), description: z.string().nullable() },
  example: { name: 'First ${n.noun}', description: 'What it is for' },
  listParameters: { scope: z.enum(['mine']).optional(), ...createdRangeParameters },
  batchMax: 100,
})
type ListQuery = z.output<typeof shapes.schemas.listQuery>

/** The caller's own ${n.nouns}, by name (gsi1). */
const mine = partitionList<${n.className}, ListQuery>(
  'gsi1',
  (context) => ({ tenantId: context.tenantId, userId: context.userId }),
  { filtered: false },
)
/** The tenant's ${n.nouns}, by creation time (gsi2). */
const byCreation = createdTimeList<${n.className}, ListQuery>('gsi2', (context) => ({ tenantId: context.tenantId }))

const canWrite = (context: RequestContext, item: ${n.className}) =>
  item.userId === context.userId || can(context, 'administer_tenant')

export const ${n.variable} = defineResource({
  model: ${n.className},
  path: '${n.path}',
  noun: '${n.noun}',
  ...shapes,
  access: {
    read: () => true,
    write: canWrite,
    writeRefusal: 'only the owner or a tenant admin may change this ${n.noun}',
  },
  create: (item, input) => Object.assign(item, input),
  update: (item, changes) => Object.assign(item, changes),
  pickList: (query) => ({ list: query.scope === 'mine' ? mine : byCreation, params: query }),
  // New in v2: every version serves the same shapes.
  versions: { v1: [], v2: [] },
  docs: {
    create: 'Create ${a}',
    read: 'Read ${a}',
    update: 'Change some fields of ${a}',
    delete: 'Delete ${a}',
    list: {
      summary: 'List ${n.nouns}',
      description: 'With scope=mine: the caller’s ${n.nouns}, by name. Otherwise: the tenant’s, by creation time.',
      response: 'one page of ${n.nouns}',
    },
    batch: {
      summary: 'Create up to 100 ${n.nouns}',
      description: 'Each item is a body as for POST ${n.path}; each outcome says its id or why it was not written.',
    },
  },
})
`
}
