// A cross-user matrix inside one tenant. Keys are lower-cased, but subjects are compared exactly:
// a sub that differs from a user's only by case or Unicode form (capitals, the Kelvin sign,
// fullwidth letters, a ligature, combining vs precomposed accents, the Turkish dotted and dotless
// i, ß and ẞ) is another user. On every route, in both API versions, such a subject reaches none of
// that user's data; once it has a profile and groups of its own, it sees those, under its own sub.
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import t, { type Test } from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { scanTable } from '../helpers/table.js'

type Json = Record<string, unknown>

const VERSIONS = ['v1', 'v2'] as const
// Every name, email and phone the victims store carries this, so a leak shows in any body.
const SECRET = 'victimsecret'

/** Each victim's sub, and subjects that differ from it only by case or Unicode form. */
const VARIANTS: Record<string, string[]> = {
  bob: ['BOB', 'Bob', 'ｂｏｂ'],
  kate: ['\u212Aate', 'KATE'], // Kelvin sign: lower-cases to a plain k
  fiona: ['\uFB01ona', 'FIONA'], // the ﬁ ligature
  ivan: ['\u0130van', '\u0131van', 'IVAN'], // Turkish dotted capital I, dotless small i
  'stra\u00dfe': ['STRASSE', 'strasse', 'STRA\u1E9EE'], // ß; capital ẞ lower-cases to ß
  'jos\u00e9': ['jose\u0301', 'JOS\u00c9'], // precomposed é; e + combining acute
  Zoe: ['zoe', 'ZOE'], // a victim with a capital: a lower-case sub is someone else
}
const VICTIMS = Object.keys(VARIANTS)
const ATTACKERS = Object.values(VARIANTS).flat()
const path = (sub: string) => encodeURIComponent(sub)

function expectStatus(t: Test, response: LightMyRequestResponse, status: number, what: string) {
  t.equal(response.statusCode, status, what, { body: response.body.slice(0, 300) })
  return response.body === '' ? {} : response.json()
}

t.test('subjects that differ only by case or Unicode form never reach each other', async (t) => {
  const { as, document, tableName } = await buildTestApp(t)
  const admin = as('acme', 'alice', ['tenant_admin'])
  t.equal(new Set([...VICTIMS, ...ATTACKERS, 'alice']).size, VICTIMS.length + ATTACKERS.length + 1)

  // ---- each victim: a profile (by the admin) and a private group of their own.
  const privateGroups = new Map<string, string>()
  for (const [i, victim] of VICTIMS.entries()) {
    const created = await admin({
      method: 'POST',
      url: '/v2/users',
      payload: { id: victim, email: `v${i}.${SECRET}@acme.example`, name: `${SECRET} ${i}`, phone: '+1 555' },
    })
    t.equal(expectStatus(t, created, 201, `profile of ${victim}`).data.id, victim, 'its own sub back')
    t.equal(created.headers.location, `/v2/users/${path(victim)}`, `Location of ${victim}`)
    const group = await as(
      'acme',
      victim,
    )({
      method: 'POST',
      url: '/v2/groups',
      payload: { name: `${SECRET} of ${i}`, groupType: 'team' },
    })
    const body = expectStatus(t, group, 201, `private group of ${victim}`).data
    t.equal(body.userId, victim, `${victim} owns the group, under the sub sent`)
    privateGroups.set(victim, body.id)
  }

  /** What a victim sees of their own data: compared before and after the attacks. */
  const victimView = async (t: Test, victim: string) => {
    const client = as('acme', victim)
    const me = expectStatus(t, await client({ method: 'GET', url: '/v2/users/me' }), 200, `${victim} me`)
    t.match(me.data, { id: victim, tenantId: 'acme', phone: '+1 555' }, `${victim} reads their profile`)
    const byId = await client({ method: 'GET', url: `/v2/users/${path(victim)}` })
    t.same(expectStatus(t, byId, 200, `${victim} by id`).data, me.data, `${victim} reads themself by id`)
    const mine = await client({ method: 'GET', url: '/v2/groups?scope=mine&groupType=team' })
    const groups = expectStatus(t, mine, 200, `${victim} lists their groups`).data as Json[]
    t.same(
      groups.map((group) => [group.id, group.userId]),
      [[privateGroups.get(victim), victim]],
      `${victim}: exactly their own group`,
    )
    return { me: me.data, groups }
  }
  const before = new Map<string, unknown>()
  for (const victim of VICTIMS) before.set(victim, await victimView(t, victim))

  for (const [victim, variants] of Object.entries(VARIANTS)) {
    for (const attacker of variants) {
      await t.test(`${JSON.stringify(attacker)} against ${JSON.stringify(victim)}`, async (t) => {
        const raw = as('acme', attacker)
        const send = async (options: InjectOptions) => {
          const response = await raw(options)
          t.notMatch(response.body, SECRET, `${options.method} ${options.url}: none of the victim's data`)
          return response
        }
        const groupId = privateGroups.get(victim)
        for (const v of VERSIONS) {
          for (const method of ['GET', 'HEAD'] as const) {
            expectStatus(t, await send({ method, url: `/${v}/users/me` }), 404, `${v} ${method} me`)
          }
          const own = `/${v}/users/${path(attacker)}`
          expectStatus(t, await send({ method: 'GET', url: own }), 404, `${v} GET own id`)
          const rename = { method: 'PATCH' as const, payload: { name: 'taken over' } }
          expectStatus(t, await send({ ...rename, url: own }), 404, `${v} PATCH own id`)
          expectStatus(t, await send({ method: 'DELETE', url: own }), 404, `${v} DELETE own id`)
          const theirs = `/${v}/users/${path(victim)}`
          expectStatus(t, await send({ method: 'GET', url: theirs }), 404, `${v} GET the victim`)
          expectStatus(t, await send({ ...rename, url: theirs }), 404, `${v} PATCH the victim`)
          expectStatus(t, await send({ method: 'DELETE', url: theirs }), 404, `${v} DELETE the victim`)
          expectStatus(t, await send({ method: 'GET', url: `/${v}/users` }), 403, `${v} lists users`)
          expectStatus(t, await send({ method: 'GET', url: `/${v}/audit` }), 403, `${v} reads the audit log`)

          const group = `/${v}/groups/${groupId}`
          expectStatus(t, await send({ method: 'GET', url: group }), 404, `${v} GET the private group`)
          expectStatus(t, await send({ ...rename, url: group }), 404, `${v} PATCH the private group`)
          expectStatus(t, await send({ method: 'DELETE', url: group }), 404, `${v} DELETE the private group`)
          const type = v === 'v1' ? 'type=team' : 'groupType=team' // v1's name for groupType
          for (const query of [`scope=mine&${type}`, type, 'limit=100']) {
            const listed = await send({ method: 'GET', url: `/${v}/groups?${query}` })
            const items = expectStatus(t, listed, 200, `${v} lists groups?${query}`).data as Json[]
            t.notOk(
              items.some((item) => item.id === groupId),
              `${v} groups?${query}: not the victim's private group`,
            )
          }
        }
        // The tenant admin asking for the variant gets nothing of the victim's either.
        const byAdmin = await admin({ method: 'GET', url: `/v2/users/${path(attacker)}` })
        expectStatus(t, byAdmin, 404, 'the admin reads the variant: no such user')
        const history = await admin({
          method: 'GET',
          url: `/v2/audit?entityType=user&entityId=${path(attacker)}`,
        })
        t.same(expectStatus(t, history, 200, 'the variant has no history').data, [], 'not the victim’s')
      })
    }
  }

  await t.test('each variant becomes a user of its own', async (t) => {
    for (const [i, attacker] of ATTACKERS.entries()) {
      const created = await admin({
        method: 'POST',
        url: '/v2/users',
        payload: { id: attacker, email: `a${i}@acme.example`, name: `attacker ${i}` },
      })
      t.equal(expectStatus(t, created, 201, `profile of ${attacker}`).data.id, attacker, 'not a conflict')
      const client = as('acme', attacker)
      const me = await client({ method: 'GET', url: '/v2/users/me' })
      t.match(expectStatus(t, me, 200, `${attacker} me`).data, { id: attacker, email: `a${i}@acme.example` })
      const group = await client({
        method: 'POST',
        url: '/v2/groups',
        payload: { name: 'g', groupType: 'team' },
      })
      t.equal(expectStatus(t, group, 201, `${attacker} creates a group`).data.userId, attacker)
      const mine = await client({ method: 'GET', url: '/v2/groups?scope=mine&groupType=team' })
      const ids = (expectStatus(t, mine, 200, `${attacker} lists`).data as Json[]).map((item) => item.id)
      t.same(ids, [group.json().data.id], `${attacker}: only the group just created`)
      const history = await admin({
        method: 'GET',
        url: `/v2/audit?entityType=user&entityId=${path(attacker)}`,
      })
      t.match(expectStatus(t, history, 200, `history of ${attacker}`).data, [
        { action: 'create', entityId: attacker, userId: 'alice', newValues: { id: attacker } },
      ])
    }
    const listed = await admin({ method: 'GET', url: '/v2/users?limit=100' })
    t.same(
      (expectStatus(t, listed, 200, 'the admin lists users').data as Json[]).map((user) => user.id).sort(),
      [...VICTIMS, ...ATTACKERS].sort(),
      'every subject exactly once',
    )
  })

  await t.test('afterwards the victims are unchanged, and every user has a key of its own', async (t) => {
    for (const victim of VICTIMS) t.same(await victimView(t, victim), before.get(victim), `${victim}`)
    const items = await scanTable({ document, tableName })
    const userKeys = items.filter((item) => item.model_name === 'user').map((item) => String(item.pk))
    t.equal(userKeys.length, VICTIMS.length + ATTACKERS.length, 'one user item per subject')
    t.equal(new Set(userKeys).size, userKeys.length, 'no two users share a key')
    const ownerKeys = items.filter((item) => item.model_name === 'group').map((item) => String(item.gsi1_pk))
    t.equal(new Set(ownerKeys).size, VICTIMS.length + ATTACKERS.length, "no two owners share a 'mine' list")
  })
})
