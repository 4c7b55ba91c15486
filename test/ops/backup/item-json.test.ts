import t from 'tap'
import { decodeItem, encodeItem } from '../../../src/ops/backup/index.js'

t.test('a line is the item in DynamoDB JSON, binary as base64, and back', async (t) => {
  const item = {
    pk: { S: 'tenant#acme#x' },
    sk: { S: 'x' },
    n: { N: '12345678901234567890.000000000000000001' },
    buffer: { B: Buffer.from([0, 1, 255]) },
    bytes: { B: new Uint8Array([0, 1, 255]) },
    slice: { B: Buffer.from([9, 0, 1, 255]).subarray(1) },
    set: { BS: [Buffer.from('a'), new Uint8Array([98])] },
    nested: { M: { list: { L: [{ B: Buffer.from('deep') }, { NULL: true }, { BOOL: false }] } } },
    strings: { SS: ['a', 'b'] },
    numbers: { NS: ['1', '-2.5'] },
  }
  const line = encodeItem(item)
  t.match(line, '"buffer":{"B":"AAH/"}', 'a Buffer is base64, not its toJSON form')
  t.match(line, '"bytes":{"B":"AAH/"}')
  t.match(line, '"slice":{"B":"AAH/"}', 'only the bytes of a view')
  t.match(line, '"set":{"BS":["YQ==","Yg=="]}')
  t.match(line, '"n":{"N":"12345678901234567890.000000000000000001"}', 'numbers stay DynamoDB’s strings')
  const back = decodeItem(line)
  t.equal(encodeItem(back), line, 'decoding and encoding again gives the same line')
  t.same(Buffer.from(back.buffer?.B as Uint8Array), Buffer.from([0, 1, 255]))
})

t.test('a line that is not an item is refused', async (t) => {
  for (const line of [
    '[]',
    '{"pk":{"S":"a"}}',
    '{"pk":{"S":"a"},"sk":{"S":"b"},"x":{"N":1}}',
    '{"pk":{"S":"a"},"sk":{"S":"b"},"x":{"S":"a","N":"1"}}',
    '{"pk":{"S":"a"},"sk":{"S":"b"},"x":{"Q":"1"}}',
    '{"pk":{"S":"a"},"sk":{"S":"b"},"x":{"SS":[1]}}',
  ])
    t.throws(() => decodeItem(line), TypeError, line)
  t.throws(() => decodeItem('{"pk":'), SyntaxError)
})
