// Runs one of scripts/ in a child process without blocking the test's event loop: spawnSync would
// freeze the test app's sockets meanwhile, and a keep-alive socket DynamoDB Local closed during the
// freeze would then fail the app's next write.
import { spawn } from 'node:child_process'

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
