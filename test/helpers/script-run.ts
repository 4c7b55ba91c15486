// Runs one of scripts/ in a child process without blocking the test's event loop: spawnSync would
// freeze the test app's sockets meanwhile, and a keep-alive socket DynamoDB Local closed during the
// freeze would then fail the app's next write.
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { projectRoot } from '../../scripts/dynamodb-local.js'

export interface ScriptResult {
  status: number | null
  stdout: string
  stderr: string
}

export function runScript(
  name: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `scripts/${name}.ts`, ...args], { env })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    child.on('error', reject)
    child.on('close', (status) => resolve({ status, stdout, stderr }))
  })
}

export interface StartedScript {
  child: ChildProcess
  /** stdout and stderr as they came, interleaved. */
  output(): string
  stdout(): string
  stderr(): string
  exited: Promise<{ code: number | null; output: string; stdout: string; stderr: string }>
}

/** Starts one of scripts/ on a table, as an operator would with DYNAMODB_ENDPOINT and APP_TABLE_NAME set. */
export function startScript(
  name: string,
  args: readonly string[],
  { endpoint, tableName }: { endpoint: string; tableName: string },
): StartedScript {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(projectRoot, 'scripts', `${name}.ts`), ...args],
    {
      cwd: projectRoot,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        DYNAMODB_ENDPOINT: endpoint,
        APP_TABLE_NAME: tableName,
      },
    },
  )
  let output = ''
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk
    stdout += chunk
  })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk
    stderr += chunk
  })
  const exited = new Promise<{ code: number | null; output: string; stdout: string; stderr: string }>(
    (resolve) => child.on('close', (code) => resolve({ code, output, stdout, stderr })),
  )
  return { child, output: () => output, stdout: () => stdout, stderr: () => stderr, exited }
}
