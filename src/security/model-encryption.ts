// Encrypts and decrypts the fields a model declares as encrypted (`static encryptedFields`), with
// the item's tenant, model, field and id bound into each ciphertext.
import { layoutOf, type Model, type ModelClass, type TenantModel } from '../models/index.js'
import type { FieldCipher } from './field-cipher.js'

function encryptedFieldsOf(model: TenantModel): readonly string[] {
  return (model.constructor as ModelClass<Model>).encryptedFields ?? []
}

function contextOf(model: TenantModel, field: string) {
  const modelName = layoutOf(model.constructor as ModelClass<Model>).modelName
  return { tenantId: model.tenantId, model: modelName, field, itemId: model.id }
}

/** A copy of the model whose encrypted fields hold ciphertext: what gets stored. */
export async function sealModel<M extends TenantModel>(model: M, cipher: FieldCipher): Promise<M> {
  const sealed = Object.assign(Object.create(Object.getPrototypeOf(model)), model) as M
  const values = sealed as unknown as Record<string, unknown>
  for (const field of encryptedFieldsOf(model)) {
    const value = values[field]
    if (typeof value === 'string') values[field] = await cipher.encrypt(value, contextOf(model, field))
  }
  return sealed
}

/** The model with its encrypted fields decrypted in place; throws DecryptionError if one is not its own. */
export async function openModel<M extends TenantModel>(model: M, cipher: FieldCipher): Promise<M> {
  const values = model as unknown as Record<string, unknown>
  for (const field of encryptedFieldsOf(model)) {
    const value = values[field]
    if (typeof value === 'string') values[field] = await cipher.decrypt(value, contextOf(model, field))
  }
  return model
}
