import t from 'tap'
import { isoTime } from '../../src/observability/iso-time.js'

t.test('the time is what Date#toISOString writes', async (t) => {
  for (const ms of [0, 1_764_612_345_678, 1_764_612_345_678, 1_764_612_345_679, 253_402_300_799_999]) {
    t.equal(isoTime(ms), new Date(ms).toISOString())
  }
  const now = Date.now()
  t.ok(isoTime() >= new Date(now).toISOString(), 'now by default')
})

t.test('within one millisecond it is worked out once', async (t) => {
  const { toISOString } = Date.prototype
  let calls = 0
  Date.prototype.toISOString = function counted(this: Date) {
    calls++
    return toISOString.call(this)
  }
  t.teardown(() => {
    Date.prototype.toISOString = toISOString
  })
  const ms = 1_800_000_000_000
  for (let i = 0; i < 5; i++) isoTime(ms)
  isoTime(ms + 1)
  t.equal(calls, 2)
})
