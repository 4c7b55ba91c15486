// JSON bodies are UTF-8: another declared charset is a 415, and bytes or escapes that are not
// Unicode text are a 400 naming where they are, never stored as U+FFFD.
import t from 'tap'
import { buildTestApp } from '../../../helpers/app.js'
import { scanTable } from '../../../helpers/table.js'

const json = (contentType: string) => ({ 'content-type': contentType })

t.test('JSON bodies are UTF-8 and Unicode, or refused', async (t) => {
  const { as, document, tableName } = await buildTestApp(t)
  const alice = as('acme', 'alice', ['tenant_admin'])
  const scan = async () => JSON.stringify(await scanTable({ document, tableName }))
  const post = (payload: string | Buffer, contentType = 'application/json', url = '/v2/groups') =>
    alice({ method: 'POST', url, payload, headers: json(contentType) })
  const body = (name: string) => `{"name":"${name}","groupType":"team"}`

  await t.test('a charset other than UTF-8 is a 415', async (t) => {
    const before = await scan()
    for (const contentType of [
      'application/json; charset=latin1',
      'application/json; charset=ISO-8859-1',
      'application/json; charset="latin1"',
      'application/json; charset=utf8',
      'application/json; charset=utf-16',
      'application/json; charset=us-ascii',
      'application/json; charset=utf-8; charset=latin1',
      'application/json; charset=',
    ]) {
      const response = await post(Buffer.from(body('caf\u00e9'), 'latin1'), contentType)
      t.equal(response.statusCode, 415, contentType)
      t.equal(response.json().error.code, 'UNSUPPORTED_MEDIA_TYPE', `${contentType}: the code`)
    }
    const patch = await alice({
      method: 'PATCH',
      url: '/v1/groups/01HM4ZB3Q5X7K9N2P4R6T8V0WY',
      payload: Buffer.from('{"name":"caf\u00e9"}', 'latin1'),
      headers: json('application/json; charset=latin1'),
    })
    t.equal(patch.statusCode, 415, 'PATCH too, in v1 too')
    t.equal(await scan(), before, 'nothing was stored')
  })

  await t.test('UTF-8 is accepted however it is spelled, and stored as sent', async (t) => {
    for (const [index, contentType] of [
      'application/json',
      'application/json; charset=utf-8',
      'application/json;charset=UTF-8',
      'application/json; charset="utf-8"',
      'Application/JSON; Charset="UTF-8"',
      'application/json; charset=csUTF8',
    ].entries()) {
      const name = `caf\u00e9 \u6f22\u5b57 \u{1f600} ${index}`
      const created = await post(Buffer.from(body(name), 'utf8'), contentType)
      t.equal(created.statusCode, 201, contentType, { body: created.body })
      const read = await alice({ method: 'GET', url: `/v2/groups/${created.json().data.id}` })
      t.equal(read.json().data.name, name, `${contentType}: read back as sent`)
    }
  })

  await t.test('bytes that are not UTF-8 are a 400', async (t) => {
    const before = await scan()
    const invalid: [string, Buffer][] = [
      ['latin1 bytes', Buffer.from(body('caf\u00e9'), 'latin1')],
      [
        'a lone continuation byte',
        Buffer.concat([Buffer.from('{"name":"a'), Buffer.from([0x80]), Buffer.from('","groupType":"team"}')]),
      ],
      [
        'an overlong encoding',
        Buffer.concat([
          Buffer.from('{"name":"a'),
          Buffer.from([0xc0, 0xaf]),
          Buffer.from('","groupType":"team"}'),
        ]),
      ],
      [
        'an encoded surrogate',
        Buffer.concat([
          Buffer.from('{"name":"a'),
          Buffer.from([0xed, 0xa0, 0x80]),
          Buffer.from('","groupType":"team"}'),
        ]),
      ],
      [
        'a cut sequence',
        Buffer.concat([
          Buffer.from('{"name":"a'),
          Buffer.from([0xe6, 0xbc]),
          Buffer.from('","groupType":"team"}'),
        ]),
      ],
      [
        'UTF-16 with a byte order mark',
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body('a'), 'utf16le')]),
      ],
    ]
    for (const [what, payload] of invalid) {
      for (const contentType of ['application/json', 'application/json; charset=utf-8']) {
        const response = await post(payload, contentType)
        t.equal(response.statusCode, 400, `${what}, ${contentType}`)
        t.match(
          response.json().error,
          { code: 'VALIDATION_ERROR', details: [{ field: 'body' }] },
          `${what}: names the body`,
        )
      }
    }
    t.equal(await scan(), before, 'nothing was stored')
    t.notMatch(await scan(), /\ufffd/, 'no replacement character anywhere in the table')
  })

  await t.test('escapes of half a surrogate pair are a 400 naming the field', async (t) => {
    const before = await scan()
    const cases: [string, string, string][] = [
      ['a lone high surrogate', body('x\\ud800'), 'name'],
      ['a lone low surrogate', body('\\uDC00x'), 'name'],
      ['two high surrogates', body('\\ud83d\\ud83d'), 'name'],
      ['pair in the wrong order', body('\\ude00\\ud83d'), 'name'],
      ['in a key', '{"name":"x","groupType":"team","\\ud800":1}', '\ud800'],
      [
        'in a batch item',
        `{"items":[${body('fine')},{"name":"x","description":"a\\udfffb","groupType":"t"}]}`,
        'items.1.description',
      ],
    ]
    for (const [what, payload, field] of cases) {
      const url = what === 'in a batch item' ? '/v2/groups/batch' : '/v2/groups'
      const response = await post(payload, 'application/json', url)
      t.equal(response.statusCode, 400, what, { body: response.body })
      t.match(
        response.json().error,
        { code: 'VALIDATION_ERROR', details: [{ field }] },
        `${what}: names ${field}`,
      )
    }
    t.equal(await scan(), before, 'nothing was stored')

    const pair = await post(body('\\ud83d\\ude00 \\u0000'))
    t.equal(pair.statusCode, 201, 'an escaped surrogate pair (and \\u0000) is text')
    t.equal(pair.json().data.name, '\u{1f600} \u0000', 'stored as the character it stands for')
    const literal = await post(body('\\\\ud800'))
    t.equal(literal.statusCode, 201, 'an escaped backslash before ud800 is plain text')
    t.equal(literal.json().data.name, '\\ud800', 'stored as those six characters')
  })

  await t.test('a byte order mark before UTF-8 JSON is skipped', async (t) => {
    const created = await post(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body('bom'))]))
    t.equal(created.statusCode, 201)
    t.equal(created.json().data.name, 'bom', 'the name holds no U+FEFF')
  })
})
