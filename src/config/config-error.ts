// The error a configuration that cannot be used stops start-up with: every bad variable named,
// and where its value came from when it was not the environment.
import type { z } from 'zod'

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** A ConfigError naming every bad variable, and where its value came from when `origins` says. */
export function invalidConfiguration(
  issues: readonly z.core.$ZodIssue[],
  origins: Readonly<Record<string, string>> = {},
): ConfigError {
  const problems = issues.map((issue) => {
    const name = issue.path.join('.')
    const origin = origins[name]
    return `${origin ? `${name} (${origin})` : name}: ${issue.message}`
  })
  return new ConfigError(`invalid configuration: ${problems.join('; ')}`)
}
