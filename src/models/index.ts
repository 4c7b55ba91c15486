export { Group, type PrivacySettings, unixSeconds, VISIBILITIES, type Visibility } from './group.js'
export { type IndexDefinition, type IndexDefinitions, type IndexName, keyAttributes } from './indexes.js'
export { buildKey, type KeyPair, TENANT_ID_PATTERN, tenantKey, tenantKeyPrefix } from './key.js'
export {
  fromItem,
  type Item,
  keyOf,
  layoutOf,
  type ModelLayout,
  modelNameOf,
  primaryKeyOf,
  toItem,
} from './mapper.js'
export { initialise, Model, type ModelClass, TenantModel } from './model.js'
export { toCamelCase, toSnakeCase } from './naming.js'
export { MODELS } from './registry.js'
export { type TableDefinition, TTL_ATTRIBUTE, tableDefinition } from './table-definition.js'
