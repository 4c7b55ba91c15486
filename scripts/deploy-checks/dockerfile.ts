// The Dockerfile: Node 22, a non-root runtime, production dependencies only, exec-form commands
// (so signals reach node), a HEALTHCHECK on liveness, and a build context that holds what it copies.
import { exists, type Problems, readText, sourceOfBuilt } from './files.js'

export const DOCKERFILE = 'Dockerfile'
const DOCKERIGNORE = '.dockerignore'

export interface Instruction {
  keyword: string
  argument: string
}

/** Instructions with continuation lines joined and comments dropped. */
export function instructions(dockerfile: string): Instruction[] {
  return dockerfile
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/)
      return { keyword: keyword.toUpperCase(), argument: rest.join(' ') }
    })
}

/** The JSON array of an exec-form instruction, or undefined for the shell form. */
export function execForm(argument: string): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(argument)
    return Array.isArray(parsed) ? parsed.map(String) : undefined
  } catch {
    return undefined
  }
}

export async function checkDockerfile(root: string, problems: Problems): Promise<string[]> {
  const text = await readText(root, DOCKERFILE, problems)
  if (text === undefined) return []
  const all = instructions(text)
  const lastFrom = all.map((instruction) => instruction.keyword).lastIndexOf('FROM')
  const runtime = all.slice(lastFrom)
  const argDefaults = Object.fromEntries(
    all
      .filter((i) => i.keyword === 'ARG' && i.argument.includes('='))
      .map((i) => i.argument.split('=', 2) as [string, string]),
  )
  const base = (runtime[0]?.argument.split(/\s+/)[0] ?? '').replace(
    /^\$\{?(\w+)\}?$/,
    (_, name) => argDefaults[name] ?? '',
  )
  if (!/^node:22([.-]|$)/.test(base))
    problems.push(`${DOCKERFILE}: the runtime stage is ${base}, not Node 22`)

  const user = runtime.filter((i) => i.keyword === 'USER').at(-1)?.argument
  if (!user || /^(root|0)(:|$)/.test(user)) problems.push(`${DOCKERFILE}: the runtime stage runs as root`)
  if (!/npm ci[^\n]*--omit=dev/.test(text)) problems.push(`${DOCKERFILE}: no npm ci --omit=dev stage`)

  const entrypoint = runtime.filter((i) => i.keyword === 'ENTRYPOINT').at(-1)
  const cmd = runtime.filter((i) => i.keyword === 'CMD').at(-1)
  for (const instruction of [entrypoint, cmd]) {
    if (instruction && !execForm(instruction.argument)) {
      problems.push(
        `${DOCKERFILE}: ${instruction.keyword} in shell form (a shell as PID 1 does not pass SIGTERM on)`,
      )
    }
  }
  const entrypointArgs = entrypoint ? (execForm(entrypoint.argument) ?? []) : []
  const started = [...entrypointArgs, ...(cmd ? (execForm(cmd.argument) ?? []) : [])]
  if (
    !started.includes('node') ||
    (!entrypointArgs.some((a) => a.endsWith('tini')) && started[0] !== 'node')
  ) {
    problems.push(`${DOCKERFILE}: node is neither PID 1 nor started by tini`)
  }

  const healthcheck = runtime.find((i) => i.keyword === 'HEALTHCHECK')
  const healthcheckCommand = healthcheck
    ? execForm(healthcheck.argument.replace(/^.*?\bCMD\s+/, ''))
    : undefined
  if (!healthcheckCommand) problems.push(`${DOCKERFILE}: no exec-form HEALTHCHECK`)

  const entryPoints = [...started, ...(healthcheckCommand ?? [])].flatMap((arg) => sourceOfBuilt(arg) ?? [])
  for (const source of entryPoints) {
    if (!exists(root, source))
      problems.push(`${DOCKERFILE}: runs the build of ${source}, which does not exist`)
  }
  await checkBuildContext(root, all, problems)
  return entryPoints
}

/** With an allow-list .dockerignore, every path the Dockerfile copies from the context must be allowed. */
async function checkBuildContext(root: string, all: Instruction[], problems: Problems): Promise<void> {
  const ignore = await readText(root, DOCKERIGNORE, problems)
  if (ignore === undefined) return
  const patterns = ignore
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
  if (patterns[0] !== '*') return
  const allowed = new Set(patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1).replace(/\/$/, '')))
  for (const copy of all.filter((i) => i.keyword === 'COPY' && !i.argument.includes('--from'))) {
    const sources = copy.argument
      .split(/\s+/)
      .filter((part) => !part.startsWith('--'))
      .slice(0, -1)
    for (const source of sources) {
      const path = source.replace(/^\.\//, '').replace(/\/$/, '')
      if (!allowed.has(path)) problems.push(`${DOCKERFILE}: COPY ${source}, which ${DOCKERIGNORE} leaves out`)
      else if (!exists(root, path)) problems.push(`${DOCKERFILE}: COPY ${source}, which does not exist`)
    }
  }
}
