// The README is an index into docs/: its links, and those between the docs, must lead somewhere
// inside the repository, and its map of src/ must name every folder.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import t from 'tap'
import { projectRoot } from '../../scripts/dynamodb-local.js'

const documents = [
  'README.md',
  ...readdirSync(join(projectRoot, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
]
const read = (path: string) => readFileSync(join(projectRoot, path), 'utf8')
/** The text outside fenced code blocks, where Markdown links and headings live. */
const prose = (text: string) => text.replace(/^```[\s\S]*?^```/gm, '')

/** GitHub's anchor for a heading: lower case, punctuation dropped, blanks as hyphens. */
const anchorOf = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')
const anchorsOf = (text: string) =>
  new Set([...prose(text).matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchorOf(match[1] ?? '')))

t.test('every link leads to a file in the repository, and to a heading in it', async (t) => {
  for (const document of documents) {
    for (const [, target = ''] of prose(read(document)).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^https?:\/\/localhost/.test(target)) continue
      t.notMatch(target, /^[a-z]+:/, `${document}: ${target} leaves the repository`)
      const [path = '', anchor] = target.split('#')
      const file =
        path === '' ? document : relative(projectRoot, resolve(projectRoot, dirname(document), path))
      t.notOk(file.startsWith('..'), `${document}: ${target} is outside the repository`)
      t.ok(statSync(join(projectRoot, file), { throwIfNoEntry: false }), `${document}: ${target} exists`)
      if (anchor && file.endsWith('.md')) {
        t.ok(anchorsOf(read(file)).has(anchor), `${document}: ${target} names a heading of ${file}`)
      }
    }
  }
})

t.test('every file of the repository a document names exists', async (t) => {
  for (const document of documents) {
    for (const [path = ''] of read(document).matchAll(
      /\b(?:src|scripts|test|deploy)\/[\w./-]+\.(?:ts|json|yml)\b/g,
    )) {
      t.ok(statSync(join(projectRoot, path), { throwIfNoEntry: false }), `${document}: ${path} exists`)
    }
  }
})

t.test('no document cites an issue or a file outside the repository', async (t) => {
  for (const document of documents) {
    const text = read(document)
    t.notMatch(text, /\bissues? #?\d+|(^|\s)#\d+\b/im, `${document} cites an issue`)
    t.notMatch(
      text,
      /\.\.\/shared|API\.md|DESIGN\.md|STYLE\.md/,
      `${document} names a file outside the repository`,
    )
  }
})

t.test("the README's map names every folder under src/", async (t) => {
  const readme = read('README.md')
  const folders = (path: string): string[] =>
    readdirSync(join(projectRoot, path), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) => [`${path}/${entry.name}`, ...folders(`${path}/${entry.name}`)])
  for (const folder of folders('src')) {
    t.match(readme, new RegExp(`^${folder}\\s`, 'm'), `${folder} has a line in the map`)
  }
})
