// `npm run new:resource`: the names it derives, the names it refuses and how it registers the new
// resource. That what it writes compiles, lints and passes its tests is scripts/check-scaffold.sh's
// to show (CI), in a copy of the repository.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { registered } from '../../scripts/new-resource.js'
import { namesOf, refusalOf } from '../../scripts/scaffold/names.js'
import { ALL_MODELS, RESOURCES } from '../../src/resources/index.js'

const taken = (root = mkdtempSync(join(tmpdir(), 'new-resource-'))) => ({
  resources: RESOURCES,
  models: ALL_MODELS,
  root,
})

t.test('names: class, nouns, variable, path and file', async (t) => {
  t.strictSame(namesOf('widget'), {
    name: 'widget',
    className: 'Widget',
    noun: 'widget',
    nouns: 'widgets',
    variable: 'widgets',
    path: '/widgets',
    file: 'widgets',
  })
  t.match(namesOf('work_order'), {
    className: 'WorkOrder',
    noun: 'work order',
    nouns: 'work orders',
    variable: 'workOrders',
    path: '/work-orders',
    file: 'work-orders',
  })
  t.equal(namesOf('category').path, '/categories')
  t.equal(namesOf('box').path, '/boxes')
  t.equal(namesOf('day').path, '/days')
  t.match(namesOf('person', 'people'), { nouns: 'people', variable: 'people', path: '/people' })
})

t.test('a new name is accepted', async (t) => {
  t.equal(refusalOf(namesOf('widget'), taken()), undefined)
  t.equal(refusalOf(namesOf('work_order'), taken()), undefined)
})

t.test('bad names are refused, each with its reason', async (t) => {
  const cases: [name: string, reason: RegExp, plural?: string][] = [
    ['Widget', /not a lower-case identifier/],
    ['widget-x', /not a lower-case identifier/],
    ['1widget', /not a lower-case identifier/],
    ['work__order', /not a lower-case identifier/],
    ['', /not a lower-case identifier/],
    ['w'.repeat(41), /at most 40 characters/],
    ['group', /resource already|path of the resource/],
    ['user', /resource already|path of the resource/],
    ['tenant', /resource already|path of the resource/],
    ['user_email', /model already/],
    ['audit', /starts the keys of a model/],
    ['idempotency', /starts the keys of a model/],
    ['profile', /starts the keys of a model/],
    ['health', /reserved/],
    ['map', /shadow the global Map/],
    ['sheep', /must differ/, 'sheep'],
    ['gadget', /plural .* is not a lower-case identifier/, 'Gadgets'],
  ]
  for (const [name, reason, plural] of cases)
    t.match(refusalOf(namesOf(name, plural), taken()), reason, JSON.stringify(name))
})

t.test('a name whose files exist is refused', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'new-resource-'))
  mkdirSync(join(root, 'test', 'resources'), { recursive: true })
  writeFileSync(join(root, 'test', 'resources', 'widgets.test.ts'), '')
  t.match(refusalOf(namesOf('widget'), taken(root)), /test\/resources\/widgets.test.ts exists already/)
})

t.test('the resource is registered last in RESOURCES, with its import', async (t) => {
  const index = readFileSync('src/resources/index.ts', 'utf8')
  const changed = registered(index, namesOf('work_order'))
  t.match(changed, /export const RESOURCES: readonly AnyResource\[\] = \[[^\]]+, workOrders\]/)
  t.match(changed, /\nimport \{ workOrders \} from '.\/work-orders.js'\n/)
  t.equal(
    changed.replace(/, workOrders\]/, ']').replace("import { workOrders } from './work-orders.js'\n", ''),
    index,
  )
})

t.test('the command refuses a bad name and writes nothing', async (t) => {
  const index = readFileSync('src/resources/index.ts', 'utf8')
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/new-resource.ts', 'Group'], {
    encoding: 'utf8',
  })
  t.equal(result.status, 1)
  t.match(result.stderr, /cannot add the resource: "Group" is not a lower-case identifier/)
  const usage = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/new-resource.ts'], {
    encoding: 'utf8',
  })
  t.equal(usage.status, 2)
  t.match(usage.stderr, /usage: npm run new:resource -- <name>/)
  t.equal(readFileSync('src/resources/index.ts', 'utf8'), index, 'the resource list is as it was')
})
