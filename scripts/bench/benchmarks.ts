// The benchmarks: every `bench:<name>` script of package.json but `bench:quick` (which runs them).
// A new benchmark is one more such script, and must take `--quick`.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { projectRoot } from '../dynamodb-local.js'

export function benchmarkScripts(scripts: Record<string, string> = packageScripts()): string[] {
  return Object.keys(scripts).filter((name) => name.startsWith('bench:') && name !== 'bench:quick')
}

function packageScripts(): Record<string, string> {
  const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>
  }
  return manifest.scripts
}
