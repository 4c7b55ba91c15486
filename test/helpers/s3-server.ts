// A local S3-compatible server (s3rver) on a free port with a temporary folder, and a client for it
// configured as the backup scripts configure theirs for S3_ENDPOINT.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3'
import S3rver from 's3rver'
import { createS3Client } from '../../src/ops/backup/index.js'

export interface TestS3 {
  endpoint: string
  /** A client with s3rver's static credentials. */
  client(): S3Client
  /** A new empty bucket. */
  bucket(name: string): Promise<string>
}

export async function startS3Server(t: { teardown(fn: () => unknown): void }): Promise<TestS3> {
  const directory = await mkdtemp(join(tmpdir(), 'tessera-s3-'))
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory })
  const { port } = await server.run()
  const endpoint = `http://127.0.0.1:${port}`
  const clients: S3Client[] = []
  t.teardown(async () => {
    for (const client of clients) client.destroy()
    await server.close()
    await rm(directory, { recursive: true, force: true })
  })
  const client = () => {
    const made = createS3Client(
      { endpoint, region: 'us-east-1', forcePathStyle: true },
      { credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } },
    )
    clients.push(made)
    return made
  }
  return {
    endpoint,
    client,
    async bucket(name) {
      await client().send(new CreateBucketCommand({ Bucket: name }))
      return name
    },
  }
}
