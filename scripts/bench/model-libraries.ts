// The three libraries of bench:model, each from its input to what is sent: the low-level command
// input in DynamoDB's wire format. ElectroDB and DynamoDB-Toolbox build document-client inputs, so
// theirs go through the document client's marshalling; parsing starts from the stored item as it
// comes off the wire (each library's own put item) and ends at the library's model.
import type { GetItemCommandInput, PutItemCommandInput } from '@aws-sdk/client-dynamodb'
import { EntityFormatter } from 'dynamodb-toolbox/entity/actions/format'
import { GetItemCommand } from 'dynamodb-toolbox/entity/actions/get'
import { PutItemCommand } from 'dynamodb-toolbox/entity/actions/put'
import { getItemParams, putNewItemParams } from '../../src/db/params.js'
import { fromWire, getItemInput, putItemInput, type WireItem } from '../../src/db/wire.js'
import { fromItem, Group, keyOf, toItem } from '../../src/models/index.js'
import { documentClientInput, documentClientItem } from './document-client.js'
import { electroGroup } from './electrodb-group.js'
import type { GroupInput } from './group-input.js'
import { toolboxGroup } from './toolbox-group.js'

export const TABLE = 'bench'

export interface ModelLibrary {
  put: (input: GroupInput) => PutItemCommandInput
  get: (input: GroupInput) => GetItemCommandInput
  parse: (item: WireItem) => object | null | undefined
}

// Toolbox actions are built once and reused: `.item()`/`.key()` return a new command each time.
const toolboxPut = toolboxGroup.build(PutItemCommand)
const toolboxGet = toolboxGroup.build(GetItemCommand)
const toolboxFormatter = toolboxGroup.build(EntityFormatter)

export const libraries = {
  tessera: {
    put: (input) => putItemInput(putNewItemParams(TABLE, toItem(Object.assign(new Group(), input)))),
    get: ({ tenantId, id }) =>
      getItemInput(getItemParams(TABLE, keyOf(Group, 'primary', { tenantId, id }), false)),
    parse: (item) => fromItem(Group, fromWire(item)),
  },
  ElectroDB: {
    put: (input) => documentClientInput(electroGroup.put(input).params()) as PutItemCommandInput,
    get: ({ tenantId, id }) =>
      documentClientInput(electroGroup.get({ tenantId, id }).params()) as GetItemCommandInput,
    parse: (item) => electroGroup.parse({ Item: documentClientItem(item) })?.data,
  },
  Toolbox: {
    put: (input) => documentClientInput(toolboxPut.item(input).params()) as PutItemCommandInput,
    get: ({ tenantId, id }) =>
      documentClientInput(toolboxGet.key({ tenantId, id }).params()) as GetItemCommandInput,
    parse: (item) => toolboxFormatter.format(documentClientItem(item)),
  },
} satisfies Record<string, ModelLibrary>

export type Library = keyof typeof libraries
export const LIBRARIES = Object.keys(libraries) as Library[]
