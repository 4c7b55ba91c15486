// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ElectroDB key templates are plain strings
// The Group entity in ElectroDB 3: the same attributes (saved in snake_case), the same table keys
// and the same key compositions as src/models/group.ts.
import { Entity } from 'electrodb'

export const electroGroup = new Entity(
  {
    model: { entity: 'group', service: 'tessera', version: '1' },
    attributes: {
      id: { type: 'string', required: true },
      tenantId: { type: 'string', required: true, field: 'tenant_id' },
      userId: { type: 'string', required: true, field: 'user_id' },
      name: { type: 'string', required: true },
      description: { type: 'string', field: 'description' },
      groupType: { type: 'string', required: true, field: 'group_type' },
      icon: { type: 'string' },
      color: { type: 'string' },
      privacySettings: {
        type: 'map',
        field: 'privacy_settings',
        properties: { visibility: { type: ['private', 'tenant', 'public'] as const, required: true } },
      },
      modelVersion: { type: 'number', required: true, field: 'model_version' },
      createdUtc: { type: 'string', required: true, field: 'created_utc' },
      updatedUtc: { type: 'string', required: true, field: 'updated_utc' },
      deletedUtc: { type: 'string', field: 'deleted_utc' },
      version: { type: 'number', required: true },
      // gsi3 sorts by unix seconds; ElectroDB keys are built from attributes, so it gets one.
      createdSeconds: {
        type: 'number',
        hidden: true,
        field: 'created_seconds',
        watch: ['createdUtc'],
        set: (_value, item) => Math.floor(Date.parse(item.createdUtc) / 1000),
      },
    },
    indexes: {
      primary: {
        pk: {
          field: 'pk',
          casing: 'lower',
          composite: ['tenantId', 'id'],
          template: 'tenant#${tenantId}#group#${id}',
        },
        sk: { field: 'sk', casing: 'lower', composite: ['id'], template: 'group#${id}' },
      },
      byOwnerAndType: {
        index: 'gsi1',
        pk: {
          field: 'gsi1_pk',
          casing: 'lower',
          composite: ['tenantId', 'userId', 'groupType'],
          template: 'tenant#${tenantId}#user#${userId}#group#type#${groupType}',
        },
        sk: {
          field: 'gsi1_sk',
          casing: 'lower',
          composite: ['name', 'id'],
          template: 'name#${name}#id#${id}',
        },
      },
      byTenantAndType: {
        index: 'gsi2',
        pk: {
          field: 'gsi2_pk',
          casing: 'lower',
          composite: ['tenantId', 'groupType'],
          template: 'tenant#${tenantId}#group#type#${groupType}',
        },
        sk: {
          field: 'gsi2_sk',
          casing: 'lower',
          composite: ['name', 'id'],
          template: 'name#${name}#id#${id}',
        },
      },
      byTenant: {
        index: 'gsi3',
        pk: {
          field: 'gsi3_pk',
          casing: 'lower',
          composite: ['tenantId'],
          template: 'tenant#${tenantId}#group',
        },
        sk: {
          field: 'gsi3_sk',
          casing: 'lower',
          composite: ['createdSeconds', 'id'],
          template: 'created#${createdSeconds}#id#${id}',
        },
      },
    },
  },
  { table: 'bench' },
)
