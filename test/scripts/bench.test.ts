// The benchmarks cannot rot: every `bench:*` script is run by `npm run bench` and, in its quick
// mode, by `npm run bench:quick`, which CI runs after the tests (the tests' summary still last).
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { benchmarkScripts } from '../../scripts/bench/benchmarks.js'
import { projectRoot } from '../../scripts/dynamodb-local.js'

const scripts = (
  JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>
  }
).scripts

t.test('every bench:* script is a benchmark the runners run', async (t) => {
  const benchmarks = benchmarkScripts()
  for (const name of ['bench:model', 'bench:import', 'bench:http', 'bench:caches', 'bench:upcast'])
    t.ok(benchmarks.includes(name), name)
  t.notOk(benchmarks.includes('bench:quick'), 'the quick runner is not a benchmark')
  t.strictSame(
    benchmarkScripts({ bench: 'x', 'bench:quick': 'x', 'bench:new': 'x', build: 'x' }),
    ['bench:new'],
    'a new bench:* script is run too',
  )
  t.equal(scripts.bench, 'node --import tsx scripts/bench/run-all.ts')
  t.equal(scripts['bench:quick'], 'node --import tsx scripts/bench/run-all.ts --quick')
})

t.test('every benchmark takes --quick', async (t) => {
  for (const name of benchmarkScripts()) {
    const entry = /scripts\/bench\/[\w-]+\.ts/.exec(scripts[name] ?? '')?.[0]
    t.ok(entry, `${name} runs a file of scripts/bench`)
    const source = readFileSync(join(projectRoot, entry ?? ''), 'utf8')
    t.match(source, /option\('--quick'|argv\.includes\('--quick'\)/, `${name} (${entry}) reads --quick`)
  }
})

t.test('CI ends with the tests, the quick benchmarks, then the tests’ summary line', async (t) => {
  const ci = readFileSync(join(projectRoot, '.ci/run'), 'utf8').trimEnd().split('\n')
  t.equal(ci.at(-1), '.ci/test-then-bench', '.ci/run ends with them')

  // A stand-in npm: `npm test` prints a summary (or none) and `npm run bench:quick` a table.
  const bin = await mkdtemp(join(tmpdir(), 'tessera-ci-'))
  t.teardown(() => rm(bin, { recursive: true, force: true }))
  await writeFile(
    join(bin, 'npm'),
    [
      '#!/usr/bin/env bash',
      'if [ "$1" = test ]; then echo "ok 1 - a test"; [ -n "$SUMMARY" ] && echo "$SUMMARY"; exit "$TESTS"; fi',
      'if [ "$2" = bench:quick ]; then echo "bench:model  2.0  ok"; exit "$BENCHES"; fi',
      'exit 99',
    ].join('\n'),
    { mode: 0o755 },
  )
  const run = (tests: number, benches: number, summary: string) =>
    spawnSync(join(projectRoot, '.ci/test-then-bench'), {
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        TESTS: String(tests),
        BENCHES: String(benches),
        SUMMARY: summary,
      },
      encoding: 'utf8',
    })
  const cases = [
    { tests: 0, benches: 0, summary: '5 passed, 0 failed', status: 0 },
    { tests: 1, benches: 0, summary: '4 passed, 1 failed', status: 1 },
    { tests: 0, benches: 1, summary: '5 passed, 0 failed', status: 1 },
    { tests: 1, benches: 1, summary: '4 passed, 1 failed, 2 skipped', status: 1 },
  ]
  for (const { tests, benches, summary, status } of cases) {
    const result = run(tests, benches, summary)
    const lines = result.stdout.trimEnd().split('\n')
    t.equal(lines.at(-1), summary, `tests ${tests}, benchmarks ${benches}: the summary is last`)
    t.ok(result.stdout.indexOf('bench:model') < result.stdout.lastIndexOf(summary), 'after the benchmarks')
    t.equal(result.status, status, `tests ${tests}, benchmarks ${benches}: exit ${status}`)
  }
  const silent = run(1, 0, '')
  t.match(silent.stdout.trimEnd().split('\n').at(-1), /^0 passed, 1 failed/, 'no summary: a failed one')
  t.equal(silent.status, 1)
})
