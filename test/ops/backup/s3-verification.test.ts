// Through S3 too, a damaged or missing part is refused before anything is written, and a backup will
// not write over a complete one.
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import t from 'tap'
import { openStore, restoreBackup, writeBackup } from '../../../src/ops/backup/index.js'
import { putRaw, rawClient, rawItems, TEST_BATCH, tableContents } from '../../helpers/backup.js'
import { createTestTable } from '../../helpers/dynamodb.js'
import { startS3Server } from '../../helpers/s3-server.js'

t.test('an S3 backup that is not what its manifest says is refused', async (t) => {
  const { endpoint, tableName } = await createTestTable()
  const client = rawClient(endpoint)
  t.teardown(() => client.destroy())
  await putRaw(client, tableName, rawItems('acme', 40))
  const s3 = await startS3Server(t)
  const bucket = await s3.bucket('tessera-verify')
  const s3Client = s3.client()
  const store = (prefix: string) => openStore(`s3://${bucket}/${prefix}`, { s3: s3.client })

  const manifest = await writeBackup({ client, tableName, target: store('a'), segments: 2, kind: 'backup' })
  await t.rejects(writeBackup({ client, tableName, target: store('a'), segments: 2, kind: 'backup' }), {
    message: /already holds a complete backup/,
  })
  await writeBackup({ client, tableName, target: store('b'), segments: 2, kind: 'backup' })
  const [first, second] = manifest.parts
  if (!first || !second) throw new Error('expected two parts')

  const object = await s3Client.send(new GetObjectCommand({ Bucket: bucket, Key: `a/${second.name}` }))
  const bytes = Buffer.from(
    await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
  )
  const at = Math.floor(bytes.length / 2)
  bytes.writeUInt8(bytes.readUInt8(at) ^ 0x10, at)
  await s3Client.send(new PutObjectCommand({ Bucket: bucket, Key: `a/${second.name}`, Body: bytes }))
  await s3Client.send(new DeleteObjectCommand({ Bucket: bucket, Key: `b/${first.name}` }))

  const { tableName: target } = await createTestTable(endpoint)
  for (const [prefix, message] of [
    ['a', /segment-0001-0000\.ndjson\.gz (does not match its sha256|is damaged)/],
    ['b', /segment-0000-0000\.ndjson\.gz is missing/],
    ['nothing-here', /has no manifest\.json/],
  ] as const) {
    await t.rejects(
      restoreBackup({
        client,
        tableName: target,
        source: store(prefix),
        mode: 'overwrite',
        batch: TEST_BATCH,
      }),
      { name: 'BackupError', message },
      prefix,
    )
  }
  t.same(await tableContents(client, target), [], 'nothing was written')
})
