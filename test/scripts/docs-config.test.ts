import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import t from 'tap'
import { z } from 'zod'
import {
  CONFIGURATION_PATH,
  END_MARKER,
  renderConfigurationTable,
  START_MARKER,
  withConfigurationTable,
} from '../../scripts/docs-config.js'
import { ENVIRONMENT_VARIABLES } from '../../src/config/config.js'

const committed = readFileSync(CONFIGURATION_PATH, 'utf8')

t.test('npm run docs:config -- --check passes on the committed docs/configuration.md', async (t) => {
  const check = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/docs-config.ts', '--check'], {
    encoding: 'utf8',
  })
  t.equal(check.status, 0, check.stderr)
  t.equal(withConfigurationTable(committed), committed, 'run npm run docs:config')
})

t.test('the table has one row for every variable the configuration reads, and no other', async (t) => {
  const rows = [...committed.matchAll(/^\| `([A-Z0-9_]+)` +\|/gm)].map((match) => match[1])
  t.same([...rows].sort(), [...ENVIRONMENT_VARIABLES].sort())
})

t.test('defaults come from the schema, or from the words its meta gives', async (t) => {
  const table = renderConfigurationTable([
    {
      title: 'Example',
      variables: {
        PLAIN: z.string().default('7').meta({ description: 'a plain | default' }),
        LIST: z.array(z.string()).default([]).meta({ description: 'an empty list' }),
        DERIVED: z.string().optional().meta({ description: 'derived', defaultText: 'from elsewhere' }),
        ABSENT: z.string().optional().meta({ description: 'nothing' }),
      },
    },
  ])
  const row = (name: string) => table.split('\n').find((line) => line.startsWith(`| \`${name}\` `))
  t.match(table, /^### Example$/m)
  t.match(row('PLAIN'), /^\| `PLAIN` +\| `7` +\| a plain \\\| default +\|$/)
  t.match(row('LIST'), /^\| `LIST` +\| none +\| an empty list +\|$/)
  t.match(row('DERIVED'), /^\| `DERIVED` +\| from elsewhere +\| derived +\|$/)
  t.match(row('ABSENT'), /^\| `ABSENT` +\| unset +\| nothing +\|$/)
  const widths = new Set(
    table
      .split('\n')
      .filter((line) => line.startsWith('|'))
      .map((line) => line.length),
  )
  t.equal(widths.size, 1, 'columns are padded to one width, as Biome formats them')
})

t.test('a variable without a description is refused', async (t) => {
  t.throws(
    () => renderConfigurationTable([{ title: 'Example', variables: { BARE: z.string().optional() } }]),
    {
      message: /BARE has no description/,
    },
  )
})

t.test('a stale table is found, and rewritten between the markers only', async (t) => {
  const stale = committed.replace(/^\| `PORT` +\|.*$/m, '| `PORT` | `80` | an old row |')
  t.not(stale, committed)
  t.equal(withConfigurationTable(stale), committed, 'the rewrite restores the generated table')
  const document = `before\n${START_MARKER}\nold\n${END_MARKER}\nafter\n`
  t.equal(withConfigurationTable(document, 'new'), `before\n${START_MARKER}\n\nnew\n\n${END_MARKER}\nafter\n`)
  t.throws(() => withConfigurationTable('no markers'), { message: /markers are missing/ })
})
