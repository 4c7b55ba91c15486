// `npm run new:resource -- <name> [--plural <plural>]`: adds a tenant-owned resource. It writes the
// declaration (src/resources/<plural>.ts: model, keys, shapes, access, lists) and its test
// (test/resources/<plural>.test.ts), adds the one line to RESOURCES, formats the three files and
// regenerates openapi/openapi.json. The result compiles, lints and passes its tests as it is; then
// it is the developer's to change (docs/resources.md).
import { spawnSync } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { ALL_MODELS, RESOURCES } from '../src/resources/index.js'
import { projectRoot } from './dynamodb-local.js'
import { declarationSource } from './scaffold/declaration-template.js'
import { namesOf, type ResourceNames, refusalOf } from './scaffold/names.js'
import { testSource } from './scaffold/test-template.js'

const USAGE = 'usage: npm run new:resource -- <name> [--plural <plural>]   (e.g. widget, work_order)'
const INDEX = 'src/resources/index.ts'

/** The resource list with the new declaration imported and registered last. */
export function registered(index: string, names: ResourceNames): string {
  const list = /export const RESOURCES: readonly AnyResource\[\] = \[([^\]]*)\]/
  const found = list.exec(index)
  if (!found) throw new Error(`${INDEX}: the RESOURCES list was not found`)
  const entries = [...(found[1] ?? '').split(',').map((entry) => entry.trim()), names.variable].filter(
    Boolean,
  )
  const withEntry = index.replace(
    list,
    `export const RESOURCES: readonly AnyResource[] = [${entries.join(', ')}]`,
  )
  const lastImport = withEntry.lastIndexOf('\nimport { ')
  const lineEnd = withEntry.indexOf('\n', lastImport + 1)
  const line = `import { ${names.variable} } from './${names.file}.js'`
  return `${withEntry.slice(0, lineEnd + 1)}${line}\n${withEntry.slice(lineEnd + 1)}`
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: projectRoot, stdio: 'inherit' })
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed`)
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { plural: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  })
  if (values.help || positionals.length !== 1) {
    console.error(USAGE)
    return values.help ? 0 : 2
  }
  const names = namesOf(positionals[0] as string, values.plural)
  const refusal = refusalOf(names, { resources: RESOURCES, models: ALL_MODELS, root: projectRoot })
  if (refusal) {
    console.error(`cannot add the resource: ${refusal}`)
    return 1
  }

  const declaration = `src/resources/${names.file}.ts`
  const test = `test/resources/${names.file}.test.ts`
  const index = await readFile(join(projectRoot, INDEX), 'utf8')
  await writeFile(join(projectRoot, declaration), declarationSource(names), { flag: 'wx' })
  await writeFile(join(projectRoot, test), testSource(names), { flag: 'wx' })
  await writeFile(join(projectRoot, INDEX), registered(index, names))
  const bin = (name: string) => join(projectRoot, 'node_modules', '.bin', name)
  run(bin('biome'), ['check', '--write', declaration, test, INDEX])
  run(process.execPath, ['--import', 'tsx', 'scripts/openapi.ts'])

  console.log(`added ${names.path}:
  ${declaration}   the model, its keys, shapes, access and lists
  ${test}   its tests (npx tap ${test})
  ${INDEX}   registered in RESOURCES
  openapi/openapi.json   regenerated`)
  return 0
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  process.exitCode = await main()
