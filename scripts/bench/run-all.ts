// `npm run bench` and `npm run bench:quick`: every benchmark (each `bench:<name>` script of
// package.json), one after another; `--quick` runs each in its quick mode (tiny sizes, the same
// checks, targets printed but never failing). Exits 1 when any of them failed; runs the rest first.
import { spawnSync } from 'node:child_process'
import { Command } from 'commander'
import { projectRoot } from '../dynamodb-local.js'
import { benchmarkScripts } from './benchmarks.js'
import { printTable } from './measure.js'

const { quick } = new Command('bench')
  .option('--quick', 'each benchmark in its quick mode (for CI)', false)
  .parse()
  .opts<{ quick: boolean }>()

const results = benchmarkScripts().map((script) => {
  console.log(`\n━━ npm run ${script}${quick ? ' -- --quick' : ''}\n`)
  const started = performance.now()
  const run = spawnSync('npm', ['run', '--silent', script, ...(quick ? ['--', '--quick'] : [])], {
    cwd: projectRoot,
    stdio: 'inherit',
  })
  const seconds = (performance.now() - started) / 1000
  return { script, seconds, ok: run.status === 0 }
})

console.log('')
printTable(
  ['benchmark', 'seconds', 'result'],
  results.map(({ script, seconds, ok }) => [script, seconds.toFixed(1), ok ? 'ok' : 'FAILED']),
)
const total = results.reduce((sum, { seconds }) => sum + seconds, 0)
const failed = results.filter(({ ok }) => !ok)
console.log(`${results.length} benchmarks in ${total.toFixed(0)} s; ${failed.length} failed`)
if (failed.length > 0) process.exit(1)
