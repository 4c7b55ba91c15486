import type { Readable } from 'node:stream'
import type { S3Client } from '@aws-sdk/client-s3'
import type { BackupStore } from './backup-store.js'
import { BackupError } from './manifest.js'
import { s3Sdk } from './s3-client.js'

/** S3's minimum part size; one part in flight per upload keeps a writer's memory near this. */
const UPLOAD_PART_BYTES = 5 * 1024 * 1024

/** A backup under a prefix of an S3 bucket. */
export class S3Store implements BackupStore {
  constructor(
    readonly location: string,
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly prefix: string,
  ) {}

  async write(name: string, body: Readable): Promise<void> {
    const upload = new (s3Sdk().storage.Upload)({
      client: this.client,
      params: { Bucket: this.bucket, Key: this.key(name), Body: body },
      queueSize: 1,
      partSize: UPLOAD_PART_BYTES,
    })
    await upload.done()
  }

  async read(name: string): Promise<Readable> {
    const body = await this.get(name)
    if (!body) throw new BackupError(`${this.location}: ${name} is missing`)
    return body
  }

  async readText(name: string): Promise<string | undefined> {
    const body = await this.get(name)
    if (!body) return undefined
    const chunks: Buffer[] = []
    for await (const chunk of body) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks).toString('utf8')
  }

  async writeText(name: string, text: string): Promise<void> {
    await this.client.send(
      new (s3Sdk().s3.PutObjectCommand)({ Bucket: this.bucket, Key: this.key(name), Body: text }),
    )
  }

  private async get(name: string): Promise<Readable | undefined> {
    try {
      const output = await this.client.send(
        new (s3Sdk().s3.GetObjectCommand)({ Bucket: this.bucket, Key: this.key(name) }),
      )
      return output.Body as Readable
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined
      throw error
    }
  }

  private key(name: string): string {
    return this.prefix ? `${this.prefix}/${name}` : name
  }
}
