// `npm run table:update`: brings the live table's indexes in line with the models, one UpdateTable
// at a time (DynamoDB creates or deletes one GSI per call), waiting after each until the table and
// the index are ACTIVE (or the index is gone). Every step is planned again from a fresh
// DescribeTable, so a second run, a run after Ctrl-C or two operators at once do no harm.
import {
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  type TableDescription,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb'
import type { TableDefinition } from '../../models/index.js'
import { formatSeconds } from '../progress.js'
import { describePlan, planTableUpdate, type TableStep, type TableUpdatePlan } from './plan.js'

export interface TableUpdateOptions {
  client: DynamoDBClient
  definition: TableDefinition
  deleteUnused?: boolean
  dryRun?: boolean
  /** Stops waiting (DynamoDB carries on with a step it started; a later run waits for it). */
  signal?: AbortSignal
  /** Lines for the operator: the plan, each step, and a progress line while DynamoDB works on it. */
  report?: (line: string) => void
  pollMs?: number
  /** Seconds between progress lines while nothing changes. */
  reportEverySeconds?: number
}

export interface TableUpdateOutcome {
  /** The plan before any step. */
  plan: TableUpdatePlan
  done: TableStep[]
  /** The signal stopped the run before it finished. */
  stopped: boolean
}

/** Attempts of one step refused because the table was busy (another operator's change). */
const MAX_BUSY_REFUSALS = 10

export async function updateTable(options: TableUpdateOptions): Promise<TableUpdateOutcome> {
  const tableName = options.definition.createTable.TableName as string
  const plan = planTableUpdate(await describeTable(options.client, tableName), options.definition, options)
  for (const line of describePlan(plan)) options.report?.(line)
  const outcome: TableUpdateOutcome = { plan, done: [], stopped: false }
  if (options.dryRun || plan.conflicts.length > 0) return outcome

  let refusals = 0
  for (;;) {
    const table = await waitUntilSettled(options, tableName)
    if (!table) return { ...outcome, stopped: true }
    const step = planTableUpdate(table, options.definition, options).steps[0]
    if (!step) return outcome
    options.report?.(stepText(step))
    try {
      await options.client.send(updateCommand(tableName, step))
    } catch (error) {
      if (!isBusy(error) || ++refusals >= MAX_BUSY_REFUSALS) throw error
      options.report?.(`${tableName} is busy (${(error as Error).name}); waiting to try again`)
      if (!(await pause(options))) return { ...outcome, stopped: true }
      continue
    }
    refusals = 0
    if (!(await waitUntilSettled(options, tableName, step))) return { ...outcome, stopped: true }
    outcome.done.push(step)
    options.report?.(`${stepName(step)}: done`)
  }
}

export async function describeTable(client: DynamoDBClient, tableName: string): Promise<TableDescription> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }))
    if (Table) return Table
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error
  }
  throw new Error(`table ${tableName} does not exist (npm run table:create creates it)`)
}

/**
 * The table once it and all of its indexes are ACTIVE, and the step's index is there (or gone): a
 * DescribeTable just after an UpdateTable may not show the change yet. Undefined when the signal
 * stopped the wait.
 */
async function waitUntilSettled(options: TableUpdateOptions, tableName: string, after?: TableStep) {
  const started = Date.now()
  let lastLine = ''
  let lastReported = 0
  for (;;) {
    const table = await describeTable(options.client, tableName)
    const changing = (table.GlobalSecondaryIndexes ?? []).filter((index) => index.IndexStatus !== 'ACTIVE')
    if (table.TableStatus === 'ACTIVE' && changing.length === 0 && shows(table, after)) return table
    const state =
      [
        ...(table.TableStatus === 'ACTIVE' ? [] : [`table ${table.TableStatus}`]),
        ...changing.map(
          (index) => `${index.IndexName} ${index.IndexStatus}${index.Backfilling ? ' (backfilling)' : ''}`,
        ),
      ].join(', ') || `${after ? stepName(after) : tableName}: not shown yet`
    const seconds = (Date.now() - started) / 1_000
    if (state !== lastLine || seconds - lastReported >= (options.reportEverySeconds ?? 10)) {
      options.report?.(`waiting: ${state}, ${formatSeconds(seconds)}`)
      lastLine = state
      lastReported = seconds
    }
    if (!(await pause(options))) return undefined
  }
}

/** Sleeps one poll interval; false when the signal stopped it. */
async function pause(options: TableUpdateOptions): Promise<boolean> {
  const { signal } = options
  if (signal?.aborted) return false
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, options.pollMs ?? 2_000)
    signal?.addEventListener('abort', done, { once: true })
    function done() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
  })
  return !signal?.aborted
}

/** Whether the table shows the step done: its index there after a create, gone after a delete. */
function shows(table: TableDescription, step: TableStep | undefined): boolean {
  if (!step) return true
  const present = (table.GlobalSecondaryIndexes ?? []).some((index) => index.IndexName === stepName(step))
  return step.action === 'create' ? present : !present
}

function updateCommand(tableName: string, step: TableStep): UpdateTableCommand {
  if (step.action === 'delete')
    return new UpdateTableCommand({
      TableName: tableName,
      GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: step.indexName } }],
    })
  return new UpdateTableCommand({
    TableName: tableName,
    AttributeDefinitions: step.attributes,
    GlobalSecondaryIndexUpdates: [{ Create: step.index }],
  })
}

/** Another change of the table is under way: worth waiting for, not worth failing over. */
function isBusy(error: unknown): boolean {
  const name = (error as { name?: string }).name
  return name === 'ResourceInUseException' || name === 'LimitExceededException'
}

function stepName(step: TableStep): string {
  return step.action === 'create' ? (step.index.IndexName as string) : step.indexName
}

function stepText(step: TableStep): string {
  return `${step.action === 'create' ? 'creating' : 'deleting'} ${stepName(step)}`
}
