// Python's datetime.isoformat() → tessera's instants (`2024-01-15T09:50:00.123Z`). Python writes an
// offset (`+00:00`, or any other when the datetime was not in UTC) and six digits of microseconds
// when there are any. The instant is kept: another offset is converted to UTC. Microseconds are cut
// to milliseconds, never rounded up, so the instant stays in the same second as the one the Python
// service keyed (`created#<unix seconds>`): lists by creation time keep their order.
const PYTHON_ISO =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/

const MS_PER_MINUTE = 60_000

/** The instant a Python ISO string names, in unix milliseconds; undefined when it is not one. */
export function pythonInstant(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined
  const match = PYTHON_ISO.exec(value)
  if (!match) return undefined
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as number[]
  const fraction = match[7] ?? ''
  const milliseconds = Number(fraction.padEnd(3, '0').slice(0, 3))
  const date = new Date(0)
  date.setUTCFullYear(year as number, (month as number) - 1, day)
  date.setUTCHours(hour as number, minute, second, milliseconds)
  // Date rolls a 30 February over into March; Python would not have written it.
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== (month as number) - 1 ||
    date.getUTCDate() !== day ||
    date.getUTCHours() !== hour ||
    date.getUTCMinutes() !== minute ||
    date.getUTCSeconds() !== second
  )
    return undefined
  if (match[8] === 'Z') return date.getTime()
  const offsetHours = Number(match[10])
  const offsetMinutes = Number(match[11])
  if (offsetHours > 23 || offsetMinutes > 59) return undefined
  const sign = match[9] === '-' ? -1 : 1
  return date.getTime() - sign * (offsetHours * 60 + offsetMinutes) * MS_PER_MINUTE
}

/** The tessera form of a Python ISO string, or undefined when it is none or falls outside years 1–9999. */
export function pythonIsoToUtc(value: unknown): string | undefined {
  const instant = pythonInstant(value)
  if (instant === undefined) return undefined
  const year = new Date(instant).getUTCFullYear()
  if (year < 1 || year > 9999) return undefined
  return new Date(instant).toISOString()
}

/** What a Python service keys a datetime by: int(dt.timestamp()), whole seconds toward zero. */
export function pythonUnixSeconds(instant: number): number {
  return Math.trunc(instant / 1000)
}
