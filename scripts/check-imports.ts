// Part of `npm run lint`: fails on an import cycle in src/ or an import that runs up a layer (see
// import-rules.ts for the rules).
import { join } from 'node:path'
import { projectRoot } from './dynamodb-local.js'
import { importProblems } from './import-rules.js'

const problems = await importProblems(join(projectRoot, 'src'))
for (const problem of problems) console.error(`✗ ${problem}`)
if (problems.length > 0) process.exit(1)
console.log('imports: no cycles, every layer imports only from below')
