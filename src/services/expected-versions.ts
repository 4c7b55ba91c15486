/** The versions a conditional write accepts (an If-Match header's); undefined accepts any. */
export type ExpectedVersions = readonly number[] | undefined

export const versionMatches = (expected: ExpectedVersions, version: number): boolean =>
  expected === undefined || expected.includes(version)
