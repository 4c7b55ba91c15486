import { join } from 'node:path'
import t from 'tap'
import { projectRoot } from '../../scripts/dynamodb-local.js'
import { importGraph, importProblems } from '../../scripts/import-rules.js'

t.test('src/ has no import cycle and no import up a layer', async (t) => {
  t.strictSame(await importProblems(join(projectRoot, 'src')), [])
})

t.test('an import cycle is found, with the files along it, type-only imports included', async (t) => {
  const src = t.testdir({
    db: {
      'a.ts': "import { b } from './b.js'\nexport const a = b",
      'b.ts': "import type { C } from './c.js'\nexport const b = 1\nexport type B = C",
      'c.ts': "export type { A } from './a.js'\nexport type C = number",
      'd.ts': "import { a } from './a.js'\nexport const d = a",
    },
    models: { 'self.ts': "import { x } from './self.js'\nexport const x = 1" },
  })
  t.strictSame((await importProblems(src)).sort(), [
    'import cycle: db/a.ts → db/b.ts → db/c.ts → db/a.ts',
    'import cycle: models/self.ts → models/self.ts',
  ])
})

t.test('an import up a layer is refused; down, across a folder and from src/ itself are fine', async (t) => {
  const src = t.testdir({
    'app.ts': "import './http/routes/x.js'\nimport './db/gateway.js'",
    http: { routes: { 'x.ts': "import '../../services/s.js'\nimport '../../db/gateway.js'" } },
    services: { 's.ts': "import '../db/gateway.js'\nimport { y } from '../models/index.js'" },
    db: { 'gateway.ts': "const load = () => import('../services/s.js')" },
    models: { 'index.ts': 'export const y = 1' },
    tools: { 'z.ts': 'export const z = 1' },
  })
  t.strictSame((await importProblems(src)).sort(), [
    'db/gateway.ts imports services/s.ts: db may not import from services',
    'http/routes/x.ts imports db/gateway.ts: http may not import from db',
    'import cycle: db/gateway.ts → services/s.ts → db/gateway.ts',
    'tools/z.ts: src/tools is no known layer (add it to MAY_IMPORT in scripts/import-rules.ts)',
  ])
})

t.test('imports of folders resolve to their index, and packages are left out', async (t) => {
  const src = t.testdir({
    models: {
      'index.ts': "export * from './m.js'",
      'm.ts': "import ts from 'typescript'\nexport const m = ts",
    },
    services: { 's.ts': "import { m } from '../models/index.js'\nimport '../models'" },
  })
  const graph = await importGraph(src)
  t.strictSame(graph.get('services/s.ts'), ['models/index.ts'])
  t.strictSame(graph.get('models/m.ts'), [])
})
