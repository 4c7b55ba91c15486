// The invalidation channel on a real redis-server: each instance hears the others' messages and not
// its own, ignores what is not a message of its format, and resynchronises whenever it subscribes.
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import t from 'tap'
import { Metrics } from '../../src/observability/metrics.js'
import {
  InvalidationChannel,
  type InvalidationHandlers,
  type ItemKey,
} from '../../src/redis/invalidation-channel.js'
import { RedisLink } from '../../src/redis/redis-link.js'
import { startTestRedis } from '../helpers/redis.js'
import { until } from '../helpers/until.js'

const CHANNEL = 'tessera:test:invalidations'
const KEY: ItemKey = { pk: 'tenant#acme#group#g1', sk: 'group#g1' }

interface TestLike {
  teardown(fn: () => unknown): void
}

/** An instance's end of the channel, recording what it was told. */
function instance(t: TestLike, url: string, link = new RedisLink(url, new Metrics())) {
  const heard = { items: [] as [string, ItemKey[]][], tenants: [] as string[], resyncs: 0 }
  const handlers: InvalidationHandlers = {
    items: (tenantId, keys) => heard.items.push([tenantId, [...keys]]),
    tenant: (tenantId) => heard.tenants.push(tenantId),
    resync: () => {
      heard.resyncs++
    },
  }
  t.teardown(() => link.close())
  return { heard, link, channel: new InvalidationChannel(link, CHANNEL, handlers) }
}

t.test("an instance hears the others' writes and standing changes, not its own", async (t) => {
  const redis = await startTestRedis(t)
  const a = instance(t, redis.url)
  const b = instance(t, redis.url)
  const subscribed = () => a.heard.resyncs === 1 && b.heard.resyncs === 1 && a.link.available
  t.ok(await until(subscribed, 5_000), 'both subscribed (and resynced once)')

  a.channel.publishItems('acme', [KEY])
  a.channel.publishStanding('globex')
  a.channel.publishItems('acme', [])
  t.ok(await until(() => b.heard.items.length > 0 && b.heard.tenants.length > 0, 2_000))
  t.strictSame(b.heard.items, [['acme', [KEY]]])
  t.strictSame(b.heard.tenants, ['globex'])
  await sleep(100)
  t.strictSame(a.heard, { items: [], tenants: [], resyncs: 1 }, 'its own messages come back and are ignored')
})

t.test('a channel made once its connection is up subscribes at once', async (t) => {
  const redis = await startTestRedis(t)
  const link = new RedisLink(redis.url, new Metrics())
  t.ok(await until(() => link.subscriber.status === 'ready', 5_000))
  const late = instance(t, redis.url, link)
  const other = instance(t, redis.url)
  t.ok(await until(() => late.heard.resyncs === 1 && other.link.available, 5_000), 'subscribed')
  other.channel.publishStanding('acme')
  t.ok(await until(() => late.heard.tenants.length === 1, 2_000), 'and hears the others')
})

t.test('anything that is not a message of this format is ignored', async (t) => {
  const redis = await startTestRedis(t)
  const a = instance(t, redis.url)
  t.ok(await until(() => a.heard.resyncs === 1, 5_000))
  const other = new Redis(redis.url)
  t.teardown(() => other.disconnect())
  for (const text of [
    'not json',
    'null',
    '{"tenantId":"acme"}',
    '{"from":"b","tenantId":7,"standing":true}',
    '{"from":"b","tenantId":"acme","items":[["only-pk"]]}',
    '{"from":"b","tenantId":"acme","items":"tenant#acme"}',
  ]) {
    await other.publish(CHANNEL, text)
  }
  await other.publish('another-channel', JSON.stringify({ from: 'b', tenantId: 'acme', standing: true }))
  await other.publish(CHANNEL, JSON.stringify({ from: 'b', tenantId: 'acme', items: [[KEY.pk, KEY.sk]] }))
  t.ok(await until(() => a.heard.items.length > 0, 2_000))
  t.strictSame(a.heard, { items: [['acme', [KEY]]], tenants: [], resyncs: 1 })
})

t.test('after Redis restarts, each instance subscribes again and resyncs', async (t) => {
  const redis = await startTestRedis(t)
  const a = instance(t, redis.url)
  const b = instance(t, redis.url)
  t.ok(await until(() => a.heard.resyncs === 1 && b.heard.resyncs === 1, 5_000))
  await redis.kill()
  b.channel.publishStanding('acme')
  await redis.restart()
  t.ok(await until(() => a.heard.resyncs === 2 && b.heard.resyncs === 2 && b.link.available, 10_000))
  t.strictSame(a.heard.tenants, [], 'what was published while Redis was down is lost (hence the resync)')
  b.channel.publishStanding('acme')
  t.ok(await until(() => a.heard.tenants.length === 1, 2_000), 'messages flow again')
})
