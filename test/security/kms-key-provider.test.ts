import { DecryptCommand, GenerateDataKeyCommand } from '@aws-sdk/client-kms'
import t from 'tap'
import { KmsKeyProvider, replicaHere } from '../../src/security/kms-key-provider.js'

const PRIMARY = 'arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab'
const REPLICA = 'arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab'
const SINGLE = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'

/** A KMS that answers every call, recording the key each one named. */
function fakeKms() {
  const keyIds: (string | undefined)[] = []
  return {
    keyIds,
    async send(command: unknown) {
      if (command instanceof GenerateDataKeyCommand) {
        keyIds.push(command.input.KeyId)
        return { KeyId: PRIMARY, Plaintext: new Uint8Array(32), CiphertextBlob: new Uint8Array([1, 2, 3]) }
      }
      if (command instanceof DecryptCommand) {
        keyIds.push(command.input.KeyId)
        return { Plaintext: new Uint8Array(32) }
      }
      throw new Error('unexpected command')
    },
  }
}

t.test(
  'after a failover, values wrapped under a multi-Region key are unwrapped by its replica here',
  async (t) => {
    const before = fakeKms()
    const primaryRegion = new KmsKeyProvider(before as never, PRIMARY, 'us-east-1')
    const { keyId, wrapped } = await primaryRegion.generateDataKey()
    t.equal(keyId, PRIMARY, 'the value records the key that wrapped it, region and all')

    const after = fakeKms()
    const failoverRegion = new KmsKeyProvider(after as never, REPLICA, 'eu-west-1')
    await failoverRegion.unwrapDataKey(keyId, wrapped)
    t.strictSame(after.keyIds, [REPLICA], 'Decrypt names the replica in the region it calls')

    const home = fakeKms()
    await new KmsKeyProvider(home as never, PRIMARY, 'us-east-1').unwrapDataKey(keyId, wrapped)
    t.strictSame(home.keyIds, [PRIMARY])
  },
)

t.test('only a multi-Region key ARN of another region is rewritten', async (t) => {
  t.equal(replicaHere(PRIMARY, 'eu-west-1'), REPLICA)
  t.equal(replicaHere(PRIMARY, 'us-east-1'), PRIMARY)
  t.equal(replicaHere(SINGLE, 'eu-west-1'), SINGLE, 'a single-region key has no replica: KMS says so')
  t.equal(replicaHere('alias/tessera-fields', 'eu-west-1'), 'alias/tessera-fields')
  t.equal(
    replicaHere('mrk-1234abcd12ab34cd56ef1234567890ab', 'eu-west-1'),
    'mrk-1234abcd12ab34cd56ef1234567890ab',
  )
  t.equal(
    replicaHere(
      'arn:aws-cn:kms:cn-north-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab',
      'cn-northwest-1',
    ),
    'arn:aws-cn:kms:cn-northwest-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab',
  )
})
