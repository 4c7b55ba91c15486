// `npm run bench` and `npm run bench:quick`: every benchmark (each `bench:<name>` script of
// package.json), one after another; `--quick` runs each in its quick mode (tiny sizes, the same
// checks, targets printed but never failing). Ends with every benchmark's targets in one table
// (each reports them into a file, see targets.ts). Exits 1 when any of them failed; runs the rest first.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command } from 'commander'
import { projectRoot } from '../dynamodb-local.js'
import { benchmarkScripts } from './benchmarks.js'
import { printTable } from './measure.js'
import { reportedTargets, TARGETS_FILE_VARIABLE, targetRow } from './targets.js'

const { quick } = new Command('bench')
  .option('--quick', 'each benchmark in its quick mode (for CI)', false)
  .parse()
  .opts<{ quick: boolean }>()

const targetsFolder = mkdtempSync(join(tmpdir(), 'tessera-bench-targets-'))
const targetsFile = (script: string) => join(targetsFolder, `${script.replace(':', '-')}.jsonl`)
const results = benchmarkScripts().map((script) => {
  console.log(`\n━━ npm run ${script}${quick ? ' -- --quick' : ''}\n`)
  const started = performance.now()
  const run = spawnSync('npm', ['run', '--silent', script, ...(quick ? ['--', '--quick'] : [])], {
    cwd: projectRoot,
    stdio: 'inherit',
    env: { ...process.env, [TARGETS_FILE_VARIABLE]: targetsFile(script) },
  })
  const seconds = (performance.now() - started) / 1000
  return { script, seconds, ok: run.status === 0 }
})

console.log('')
printTable(
  ['benchmark', 'seconds', 'result'],
  results.map(({ script, seconds, ok }) => [script, seconds.toFixed(1), ok ? 'ok' : 'FAILED']),
)
const targets = results.flatMap(({ script }) =>
  reportedTargets(targetsFile(script)).map((target) => [script, ...targetRow(target)]),
)
rmSync(targetsFolder, { recursive: true, force: true })
console.log(`\nTargets${quick ? ' (quick mode: tiny sizes, not measurements)' : ''}`)
printTable(['benchmark', 'target', 'measured', 'goal', 'result'], targets, 3)
const total = results.reduce((sum, { seconds }) => sum + seconds, 0)
const failed = results.filter(({ ok }) => !ok)
const missed = targets.filter((row) => row[4] === 'MISSED').length
console.log(
  `${results.length} benchmarks in ${total.toFixed(0)} s; ${failed.length} failed; ${targets.length - missed} targets met, ${missed} missed`,
)
if (failed.length > 0) process.exit(1)
