// Production key provider: data keys from AWS KMS GenerateDataKey, unwrapped with KMS Decrypt.
// KMS records the master key inside the wrapped blob, so keys rotated or replaced since still work.
// A value wrapped under a multi-Region key in another region (before a failover) is unwrapped by
// that key's replica in this region, so reading it needs no call to the other region.
import { createRequire } from 'node:module'
import type { KMSClient } from '@aws-sdk/client-kms'
import type { DataKey, DataKeyProvider } from './data-key-provider.js'

const require = createRequire(import.meta.url)

/**
 * The KMS SDK, loaded when a KMS key is configured: with local master keys the process never
 * carries it. The package is CommonJS, so this is the instance `import` would give.
 */
const kmsSdk = () => require('@aws-sdk/client-kms') as typeof import('@aws-sdk/client-kms')

export function createKmsClient(region: string): KMSClient {
  return new (kmsSdk().KMSClient)({ region })
}

// Binds every data key to this service in KMS (CloudTrail shows it; Decrypt must repeat it).
const ENCRYPTION_CONTEXT = { service: 'tessera', purpose: 'field-encryption' }

export class KmsKeyProvider implements DataKeyProvider {
  constructor(
    private readonly kms: Pick<KMSClient, 'send'>,
    readonly currentKeyId: string,
    /** The region `kms` calls. */
    private readonly region: string,
  ) {}

  async generateDataKey(): Promise<DataKey> {
    const { GenerateDataKeyCommand } = kmsSdk()
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
    const { DecryptCommand } = kmsSdk()
    const output = await this.kms.send(
      new DecryptCommand({
        KeyId: replicaHere(keyId, this.region),
        CiphertextBlob: wrapped,
        EncryptionContext: ENCRYPTION_CONTEXT,
      }),
    )
    if (!output.Plaintext) throw new Error('KMS returned no plaintext')
    return Buffer.from(output.Plaintext)
  }
}

const MULTI_REGION_KEY_ARN = /^arn:([\w-]+):kms:([\w-]+):(\d{12}):key\/(mrk-[0-9a-f]+)$/

/** The ARN of a multi-Region key's replica in `region`; any other key id as it is. */
export function replicaHere(keyId: string, region: string): string {
  const arn = MULTI_REGION_KEY_ARN.exec(keyId)
  if (!arn || arn[2] === region) return keyId
  return `arn:${arn[1]}:kms:${region}:${arn[3]}:key/${arn[4]}`
}
