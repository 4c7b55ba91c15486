// "Not found" must not be told apart by timing: another member's private group (which the item
// cache may hold), a deleted group, another tenant's group and an id that never existed all answer
// 404 after the same work, one read from DynamoDB, so their response times match.
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import t, { type Test } from 'tap'
import { ulid } from 'ulid'
import { addCallMiddleware, buildTestApp } from '../helpers/app.js'

type Client = (options: InjectOptions) => Promise<LightMyRequestResponse>

const ROUNDS = 41
/** Medians of interleaved samples on a loaded machine: equal work stays well inside this. */
const TOLERANCE = 1.5

async function createGroup(t: Test, client: Client, visibility: string): Promise<string> {
  const response = await client({
    method: 'POST',
    url: '/v2/groups',
    payload: { name: 'probe target', groupType: 'team', privacySettings: { visibility } },
  })
  t.equal(response.statusCode, 201)
  return response.json().data.id
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

function shuffled<T>(values: readonly T[]): T[] {
  const copy = [...values]
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[copy[i], copy[j]] = [copy[j] as T, copy[i] as T]
  }
  return copy
}

t.test('every kind of 404 by id costs the same', async (t) => {
  const testApp = await buildTestApp(t)
  const alice = testApp.as('acme', 'alice', ['member'])
  const bob = testApp.as('acme', 'bob', ['member'])
  const carol = testApp.as('globex', 'carol', ['member'])

  const privateId = await createGroup(t, alice, 'private')
  const deletedId = await createGroup(t, alice, 'tenant')
  t.equal((await alice({ method: 'DELETE', url: `/v2/groups/${deletedId}` })).statusCode, 204)
  const foreignId = await createGroup(t, carol, 'public')
  // Alice reads her group, so this instance holds it in its item cache.
  t.equal((await alice({ method: 'GET', url: `/v2/groups/${privateId}` })).statusCode, 200)

  let getItems = 0
  addCallMiddleware(
    testApp,
    (next, context) => async (args) => {
      if (context.commandName === 'GetItemCommand') getItems++
      return next(args)
    },
    'testCountGetItem',
  )
  const probes: Record<string, () => string> = {
    "another member's private group": () => privateId,
    'a deleted group': () => deletedId,
    "another tenant's group": () => foreignId,
    'an id that never existed': () => ulid(),
  }
  const timings = new Map<string, number[]>(Object.keys(probes).map((name) => [name, []]))
  const probe = async (t: Test, name: string) => {
    const url = `/v2/groups/${probes[name]?.()}`
    const before = getItems
    const started = performance.now()
    const response = await bob({ method: 'GET', url })
    const elapsed = performance.now() - started
    if (response.statusCode !== 404 || response.json().error.code !== 'NOT_FOUND')
      t.fail(`${name}: 404 NOT_FOUND`, { status: response.statusCode, body: response.body })
    return { elapsed, reads: getItems - before }
  }

  t.test('each one reads DynamoDB exactly once, cached or not', async (t) => {
    for (const name of Object.keys(probes)) {
      t.equal((await probe(t, name)).reads, 1, `${name}: one GetItem`)
      t.equal((await probe(t, name)).reads, 1, `${name}, asked again: one GetItem`)
    }
    const before = getItems
    t.equal((await alice({ method: 'GET', url: `/v2/groups/${privateId}` })).statusCode, 200)
    t.equal(getItems, before, 'a group its reader may see is still served from the cache')
  })

  t.test('their medians match', async (t) => {
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of shuffled(Object.keys(probes))) {
        timings.get(name)?.push((await probe(t, name)).elapsed)
      }
    }
    const medians = Object.fromEntries([...timings].map(([name, values]) => [name, median(values)]))
    const reference = medians["another member's private group"] as number
    for (const [name, value] of Object.entries(medians)) {
      const ratio = value / reference
      t.ok(ratio < TOLERANCE && ratio > 1 / TOLERANCE, `${name}: ${ratio.toFixed(2)}× the private group`, {
        medians,
      })
    }
  })
})
