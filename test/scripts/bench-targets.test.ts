// Every benchmark reports its targets through scripts/bench/targets.ts; under `npm run bench` they
// reach the file the runner names, which is how the run ends with all of them in one table.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import {
  reportedTargets,
  reportTargets,
  TARGETS_FILE_VARIABLE,
  targetRow,
} from '../../scripts/bench/targets.js'

const met = { target: 'hot path: cached GET / hello world', measured: '0.45×', goal: '≥ 0.40×', met: true }
const missed = { target: 'start-up to ready', measured: '1.2 s', goal: '< 1.0 s', met: false }

t.test('targets reported in two calls are read back in order, for the final table', async (t) => {
  const folder = await mkdtemp(join(tmpdir(), 'tessera-targets-'))
  t.teardown(() => rm(folder, { recursive: true, force: true }))
  const file = join(folder, 'bench-http.jsonl')
  const previous = process.env[TARGETS_FILE_VARIABLE]
  process.env[TARGETS_FILE_VARIABLE] = file
  t.teardown(() => {
    if (previous === undefined) delete process.env[TARGETS_FILE_VARIABLE]
    else process.env[TARGETS_FILE_VARIABLE] = previous
  })
  const printed = t.capture(console, 'log')
  reportTargets([met])
  reportTargets([missed])
  t.strictSame(reportedTargets(file), [met, missed])
  t.match(
    printed()
      .map((call) => call.args.join(' '))
      .join('\n'),
    /start-up to ready\s+1\.2 s\s+< 1\.0 s\s+MISSED/,
  )
})

t.test('a benchmark that reported nothing adds no rows', async (t) => {
  t.strictSame(reportedTargets(join(tmpdir(), 'tessera-no-such-targets-file.jsonl')), [])
})

t.test('a row says met or MISSED', async (t) => {
  t.strictSame(targetRow(met), [met.target, met.measured, met.goal, 'met'])
  t.equal(targetRow(missed)[3], 'MISSED')
})
