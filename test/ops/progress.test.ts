import { Writable } from 'node:stream'
import t from 'tap'
import { formatSeconds, startProgress } from '../../src/ops/progress.js'

function capture(isTTY: boolean) {
  const chunks: string[] = []
  const stream = Object.assign(
    new Writable({
      write(chunk, _encoding, done) {
        chunks.push(String(chunk))
        done()
      },
    }),
    { isTTY, columns: 200, cursorTo: () => true, clearLine: () => true, moveCursor: () => true },
  )
  return { stream, text: () => chunks.join('') }
}

t.test('off a terminal: plain lines with the rate and ETA, then a summary', async (t) => {
  let now = 0
  const { stream, text } = capture(false)
  const progress = startProgress({
    label: 'migrate',
    total: 1_000,
    stream,
    intervalSeconds: 0.02,
    now: () => now,
  })
  now = 2_000
  progress.add(400, { migrated: 300, current: 100 })
  await new Promise((resolve) => setTimeout(resolve, 60))
  t.match(text(), /migrate: 400\/1000 items, 200 items\/s, ETA 3s, migrated 300, current 100\n/)
  now = 5_000
  progress.add(600, { migrated: 600 })
  progress.stop()
  t.match(text(), /migrate: done, 1000 items in 5s \(200 items\/s\); migrated 900, current 100\n$/)
  t.same(progress.counts, { migrated: 900, current: 100 })
})

t.test('on a terminal: a bar with the rate, ETA and counters', async (t) => {
  let now = 0
  const { stream, text } = capture(true)
  const progress = startProgress({ label: 'backup', total: 100, stream, now: () => now })
  now = 1_000
  progress.add(50, { parts: 1 })
  progress.stop()
  t.match(text(), /backup \[.*\] \d+% \| 50\/100 \| 50 items\/s \| ETA 1s \| parts 1/)
  t.match(text(), /backup: done, 50 items/)
})

t.test('an unknown total shows no ETA; seconds read as minutes and hours', async (t) => {
  const { stream, text } = capture(false)
  const progress = startProgress({ label: 'scan', stream, intervalSeconds: 0.01 })
  progress.add(5)
  await new Promise((resolve) => setTimeout(resolve, 40))
  progress.stop()
  t.match(text(), /scan: 5 items, \d+ items\/s, ETA \?/)
  t.equal(formatSeconds(59.4), '59s')
  t.equal(formatSeconds(61), '1m01s')
  t.equal(formatSeconds(3_725), '1h02m')
})
