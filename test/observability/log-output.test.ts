// The log output when stdout stops taking lines (a stalled log driver): what fits in the bound
// waits and is written once the reader catches up, every line beyond it is dropped and counted,
// and nothing is lost without being counted. stdout here is a named pipe nobody reads for a while.
import { execFileSync } from 'node:child_process'
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import t, { type Test } from 'tap'
import { type BatchedOutputOptions, batchedOutput } from '../../src/observability/logger.js'
import { until } from '../helpers/until.js'

const LINES = 4_000
const BUFFER_BOUND = 32 * 1024
const DRAIN_DEADLINE_MS = 10_000

/**
 * A named pipe: a non-blocking read end (left unread until `drain`), and a write end for a log
 * output, which closes it when it ends.
 */
function stalledPipe(t: Test) {
  const folder = mkdtempSync(join(tmpdir(), 'tessera-log-'))
  const path = join(folder, 'stdout')
  execFileSync('mkfifo', [path])
  const readEnd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  const writeEnd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK)
  t.teardown(() => {
    closeSync(readEnd)
    rmSync(folder, { recursive: true, force: true })
  })
  const chunk = Buffer.alloc(64 * 1024)
  let received = ''
  /** Reads what the pipe holds now. */
  const drain = () => {
    for (;;) {
      let bytes = 0
      try {
        bytes = readSync(readEnd, chunk)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return
        throw error
      }
      if (bytes === 0) return
      received += chunk.toString('utf8', 0, bytes)
    }
  }
  const lines = () => received.split('\n').filter(Boolean)
  /** Reads until `count` lines have arrived, or the deadline. */
  const drainUntil = (count: () => number) =>
    until(
      () => {
        if (lines().length >= count()) return true
        drain()
        return false
      },
      DRAIN_DEADLINE_MS,
      10,
    )
  return { writeEnd, drainUntil, lines }
}

function loggerTo(t: Test, options: BatchedOutputOptions) {
  const output = batchedOutput(options)
  // Ending the output stops its flush timer and closes the pipe's write end.
  t.teardown(() => output.end())
  return pino({ base: null }, output)
}

t.test('lines beyond the bound are dropped and counted; the others arrive whole', async (t) => {
  const pipe = stalledPipe(t)
  let dropped = 0
  const logger = loggerTo(t, {
    fd: pipe.writeEnd,
    maxBufferedBytes: BUFFER_BOUND,
    onLineDropped: () => dropped++,
  })
  const padding = 'x'.repeat(150)
  for (let n = 0; n < LINES; n++) logger.info({ n, padding }, 'line')

  t.ok(dropped > 0, `with nobody reading, some of ${LINES} lines are dropped (${dropped})`)
  t.ok(dropped < LINES, 'what fits in the pipe and the bound is kept')

  await pipe.drainUntil(() => LINES - dropped)
  const arrived = pipe.lines().map((line) => JSON.parse(line) as { n: number; padding: string })
  t.equal(arrived.length + dropped, LINES, 'every line either arrived or was counted as dropped')
  t.ok(
    arrived.every((line) => line.padding === padding),
    'every line that arrived is whole',
  )
  const numbers = arrived.map((line) => line.n)
  t.strictSame(
    numbers,
    [...numbers].sort((a, b) => a - b),
    'in the order they were logged',
  )
})

t.test('without a stall nothing is dropped', async (t) => {
  const pipe = stalledPipe(t)
  let dropped = 0
  const logger = loggerTo(t, { fd: pipe.writeEnd, onLineDropped: () => dropped++ })
  for (let n = 0; n < 100; n++) logger.info({ n }, 'line')
  // Fewer bytes than a batch: they are written by the periodic flush.
  await pipe.drainUntil(() => 100)
  t.equal(pipe.lines().length, 100)
  t.equal(dropped, 0)
})
