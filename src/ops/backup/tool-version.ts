import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** tessera's version (package.json), whether running from sources or from dist/. */
export function toolVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir)
  const path = join(dir, 'package.json')
  if (!existsSync(path)) return 'unknown'
  return (JSON.parse(readFileSync(path, 'utf8')) as { version?: string }).version ?? 'unknown'
}
