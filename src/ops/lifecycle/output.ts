// How the lifecycle scripts print: progress on stderr, the report on stdout, and the exit code.
import { layoutOf } from '../../models/index.js'
import { ALL_MODELS } from '../../resources/index.js'
import { BackupError } from '../backup/index.js'

export interface Output {
  out: (line: string) => void
  err: (line: string) => void
}

export const consoleOutput: Output = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
}

/** Every model the table stores, by the name items carry (`model_name`). */
export const MODEL_NAMES = ALL_MODELS.map((model) => layoutOf(model).modelName)

/** Reports a failure: a refusal (BackupError) by its message alone; exit code 1 either way. */
export function failed(error: unknown, output: Output): number {
  if (error instanceof BackupError) output.err(`refused: ${error.message}`)
  else output.err(`failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`)
  return 1
}
