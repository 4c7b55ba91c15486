// Reading the deployment files: each reader records a problem instead of throwing, so one run
// reports everything that is wrong.
import { existsSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse } from 'yaml'

export type Problems = string[]

export const exists = (root: string, path: string) => existsSync(join(root, path))
export const isDirectory = (root: string, path: string) =>
  exists(root, path) && statSync(join(root, path)).isDirectory()

export async function readText(root: string, path: string, problems: Problems): Promise<string | undefined> {
  try {
    return await readFile(join(root, path), 'utf8')
  } catch {
    problems.push(`${path}: missing`)
    return undefined
  }
}

export async function readJson<T>(root: string, path: string, problems: Problems): Promise<T | undefined> {
  const text = await readText(root, path, problems)
  if (text === undefined) return undefined
  try {
    return JSON.parse(text) as T
  } catch (error) {
    problems.push(`${path}: not valid JSON (${(error as Error).message})`)
    return undefined
  }
}

export async function readYaml<T>(root: string, path: string, problems: Problems): Promise<T | undefined> {
  const text = await readText(root, path, problems)
  if (text === undefined) return undefined
  try {
    return parse(text, { merge: true }) as T
  } catch (error) {
    problems.push(`${path}: not valid YAML (${(error as Error).message})`)
    return undefined
  }
}

/** `dist/scripts/x.js` → `scripts/x.ts`: the source a compiled entry point is built from. */
export function sourceOfBuilt(path: string): string | undefined {
  const match = /(?:^|\/)dist\/((?:src|scripts)\/[\w./-]+)\.js$/.exec(path)
  return match ? `${match[1]}.ts` : undefined
}
