// Production key provider: data keys from AWS KMS GenerateDataKey, unwrapped with KMS Decrypt.
// KMS records the master key inside the wrapped blob, so keys rotated or replaced since still work.
import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms'
import type { DataKey, DataKeyProvider } from './data-key-provider.js'

// Binds every data key to this service in KMS (CloudTrail shows it; Decrypt must repeat it).
const ENCRYPTION_CONTEXT = { service: 'tessera', purpose: 'field-encryption' }

export class KmsKeyProvider implements DataKeyProvider {
  constructor(
    private readonly kms: Pick<KMSClient, 'send'>,
    readonly currentKeyId: string,
  ) {}

  async generateDataKey(): Promise<DataKey> {
    const output = await this.kms.send(
      new GenerateDataKeyCommand({
        KeyId: this.currentKeyId,
        KeySpec: 'AES_256',
        EncryptionContext: ENCRYPTION_CONTEXT,
      }),
    )
    if (!output.Plaintext || !output.CiphertextBlob) throw new Error('KMS returned no data key')
    return {
      keyId: output.KeyId ?? this.currentKeyId,
      plaintext: Buffer.from(output.Plaintext),
      wrapped: Buffer.from(output.CiphertextBlob),
    }
  }

  async unwrapDataKey(keyId: string, wrapped: Buffer): Promise<Buffer> {
    const output = await this.kms.send(
      new DecryptCommand({ KeyId: keyId, CiphertextBlob: wrapped, EncryptionContext: ENCRYPTION_CONTEXT }),
    )
    if (!output.Plaintext) throw new Error('KMS returned no plaintext')
    return Buffer.from(output.Plaintext)
  }
}
