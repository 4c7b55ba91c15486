// The Group entity in DynamoDB-Toolbox 2: the same attributes (saved in snake_case), the same table
// keys and the same key compositions as src/models/group.ts, computed with linked attributes.
import { Entity } from 'dynamodb-toolbox/entity'
import { item } from 'dynamodb-toolbox/schema/item'
import { map } from 'dynamodb-toolbox/schema/map'
import { number } from 'dynamodb-toolbox/schema/number'
import { string } from 'dynamodb-toolbox/schema/string'
import { Table } from 'dynamodb-toolbox/table'

const table = new Table({
  name: 'bench',
  partitionKey: { name: 'pk', type: 'string' },
  sortKey: { name: 'sk', type: 'string' },
  indexes: {
    gsi1: {
      type: 'global',
      partitionKey: { name: 'gsi1_pk', type: 'string' },
      sortKey: { name: 'gsi1_sk', type: 'string' },
    },
    gsi2: {
      type: 'global',
      partitionKey: { name: 'gsi2_pk', type: 'string' },
      sortKey: { name: 'gsi2_sk', type: 'string' },
    },
    gsi3: {
      type: 'global',
      partitionKey: { name: 'gsi3_pk', type: 'string' },
      sortKey: { name: 'gsi3_sk', type: 'string' },
    },
  },
  // tessera's model_name plays the part of Toolbox's entity attribute.
  entityAttributeSavedAs: 'model_name',
})

const attributes = item({
  id: string().key(),
  tenantId: string().key().savedAs('tenant_id'),
  userId: string().savedAs('user_id'),
  name: string(),
  description: string().optional(),
  groupType: string().savedAs('group_type'),
  icon: string().optional(),
  color: string().optional(),
  privacySettings: map({ visibility: string().enum('private', 'tenant', 'public') }).savedAs(
    'privacy_settings',
  ),
  modelVersion: number().savedAs('model_version'),
  createdUtc: string().savedAs('created_utc'),
  updatedUtc: string().savedAs('updated_utc'),
  deletedUtc: string().optional().savedAs('deleted_utc'),
  version: number(),
})

const schema = attributes.and((group) => ({
  pk: string()
    .key()
    .hidden()
    .link<typeof group>(({ tenantId, id }) => `tenant#${tenantId}#group#${id}`.toLowerCase()),
  sk: string()
    .key()
    .hidden()
    .link<typeof group>(({ id }) => `group#${id}`.toLowerCase()),
  gsi1_pk: string()
    .hidden()
    .link<typeof group>(({ tenantId, userId, groupType }) =>
      `tenant#${tenantId}#user#${userId}#group#type#${groupType}`.toLowerCase(),
    ),
  gsi1_sk: string()
    .hidden()
    .link<typeof group>(({ name, id }) => `name#${name}#id#${id}`.toLowerCase()),
  gsi2_pk: string()
    .hidden()
    .link<typeof group>(({ tenantId, groupType }) =>
      `tenant#${tenantId}#group#type#${groupType}`.toLowerCase(),
    ),
  gsi2_sk: string()
    .hidden()
    .link<typeof group>(({ name, id }) => `name#${name}#id#${id}`.toLowerCase()),
  gsi3_pk: string()
    .hidden()
    .link<typeof group>(({ tenantId }) => `tenant#${tenantId}#group`.toLowerCase()),
  gsi3_sk: string()
    .hidden()
    .link<typeof group>(({ createdUtc, id }) =>
      `created#${Math.floor(Date.parse(createdUtc) / 1000)}#id#${id}`.toLowerCase(),
    ),
}))

export const toolboxGroup = new Entity({
  name: 'group',
  table,
  schema,
  // Like tessera, the model carries its own createdUtc/updatedUtc.
  timestamps: false,
})
