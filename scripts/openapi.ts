// `npm run openapi` writes the OpenAPI document to openapi/openapi.json. `npm run openapi:check`
// (CI) fails when the committed document is not what the code generates, or not valid OpenAPI 3.1.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, relative } from 'node:path'
import { parseArgs } from 'node:util'
import { projectRoot } from './dynamodb-local.js'
import { DOCUMENT_PATH, generateDocument, serializeDocument, validateDocument } from './openapi-document.js'

const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } })
const shownPath = relative(projectRoot, DOCUMENT_PATH)
const generated = serializeDocument(await generateDocument())

if (values.check) {
  const committed = await readFile(DOCUMENT_PATH, 'utf8').catch(() => '')
  if (committed !== generated) {
    console.error(`${shownPath} is stale: run \`npm run openapi\` and commit the result`)
    process.exit(1)
  }
}

const problems = await validateDocument(JSON.parse(generated))
if (problems.length > 0) {
  console.error(`the OpenAPI document is invalid:\n${problems.join('\n')}`)
  process.exit(1)
}

if (values.check) {
  console.log(`${shownPath} is up to date and valid OpenAPI 3.1`)
} else {
  await mkdir(dirname(DOCUMENT_PATH), { recursive: true })
  await writeFile(DOCUMENT_PATH, generated)
  console.log(`wrote ${shownPath}`)
}
