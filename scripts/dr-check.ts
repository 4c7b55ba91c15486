// `npm run dr:check -- --primary <table[@region]> --replica <table[@region]> [--segments N] [--details]`:
// compares two tables (a global table's replicas, a table and its restored copy) by counts per
// model and a digest per scan segment; exits 1 when they differ. See src/ops/dr-check.ts.
import { Command, InvalidArgumentError } from 'commander'
import { createDynamoDbClient } from '../src/db/dynamodb-client.js'
import { describeReport, drCheck } from '../src/ops/dr-check.js'
import { startProgress } from '../src/ops/progress.js'
import { scriptClientSettings, scriptContext, wholeNumber } from '../src/ops/script-context.js'

interface TableRef {
  tableName: string
  region: string | undefined
}

function tableRef(value: string): TableRef {
  const match = /^([a-zA-Z0-9_.-]{3,255})(?:@([a-z]{2}(?:-[a-z]+)+-\d))?$/.exec(value)
  if (!match) throw new InvalidArgumentError('expected <table> or <table>@<region>, e.g. tessera@eu-west-1')
  return { tableName: match[1] as string, region: match[2] }
}

const program = new Command('dr:check')
  .description('compare two tables item for item: counts per model and a digest per scan segment')
  .requiredOption('--primary <table[@region]>', 'the table that is right', tableRef)
  .requiredOption('--replica <table[@region]>', 'the table to check against it', tableRef)
  .option(
    '--segments <n>',
    'scan segments (the same in both tables)',
    wholeNumber('--segments', 1, 10_000),
    16,
  )
  .option('--details', 'list the keys that differ in the differing segments', false)
  .parse()

const options = program.opts<{ primary: TableRef; replica: TableRef; segments: number; details: boolean }>()
const context = scriptContext()
// A table in the configured region is read with the context's client; another region needs its own.
const side = ({ tableName, region }: TableRef) => ({
  tableName,
  client:
    region === undefined || region === context.config.dynamodb.region
      ? context.client
      : createDynamoDbClient({ ...scriptClientSettings(context.config), region }),
})
const [primary, replica] = [side(options.primary), side(options.replica)]
const progress = startProgress({ label: 'dr:check' })
try {
  const report = await drCheck({
    primary,
    replica,
    segments: options.segments,
    details: options.details,
    signal: context.signal,
    onItems: (items) => progress.add(items),
  })
  progress.stop()
  const name = (ref: TableRef) => `${ref.tableName}@${ref.region ?? context.config.dynamodb.region}`
  for (const line of describeReport(report, {
    primary: name(options.primary),
    replica: name(options.replica),
  }))
    console.log(line)
  process.exitCode = report.same ? 0 : 1
} catch (error) {
  progress.stop()
  console.error(`dr:check failed: ${(error as Error).message}`)
  process.exitCode = 2
} finally {
  for (const { client } of [primary, replica]) if (client !== context.client) client.destroy()
  context.close()
}
