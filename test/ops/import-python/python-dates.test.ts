import t from 'tap'
import {
  pythonInstant,
  pythonIsoToUtc,
  pythonUnixSeconds,
} from '../../../src/ops/import-python/python-dates.js'

t.test('Python ISO strings become UTC instants with milliseconds', async (t) => {
  const cases: [string, string][] = [
    ['2024-01-15T09:50:00.123456+00:00', '2024-01-15T09:50:00.123Z'],
    ['2024-01-15T09:50:00+00:00', '2024-01-15T09:50:00.000Z'],
    ['2024-01-15T09:50:00.5+00:00', '2024-01-15T09:50:00.500Z'],
    ['2024-01-15T09:50:00.000999+00:00', '2024-01-15T09:50:00.000Z'],
    // Cut, never rounded up: the instant stays in the second the Python service keyed it by.
    ['2024-12-31T23:59:59.999999+00:00', '2024-12-31T23:59:59.999Z'],
    // Another offset is converted; the instant is the same.
    ['2024-01-15T15:20:00.250000+05:30', '2024-01-15T09:50:00.250Z'],
    ['2024-01-15T01:50:00-08:00', '2024-01-15T09:50:00.000Z'],
    ['2024-12-31T20:00:00-05:00', '2025-01-01T01:00:00.000Z'],
    ['2024-01-01T00:30:00+01:00', '2023-12-31T23:30:00.000Z'],
    ['2024-02-29T12:00:00Z', '2024-02-29T12:00:00.000Z'],
    ['2024-01-15 09:50:00+00:00', '2024-01-15T09:50:00.000Z'],
  ]
  for (const [python, tessera] of cases) t.equal(pythonIsoToUtc(python), tessera, python)
})

t.test('what is no Python ISO instant is refused', async (t) => {
  const refused: unknown[] = [
    '2024-01-15T09:50:00', // naive: which zone?
    '2024-01-15T09:50:00.1234567+00:00',
    '2024-02-30T00:00:00+00:00',
    '2023-02-29T00:00:00+00:00',
    '2024-13-01T00:00:00+00:00',
    '2024-01-15T24:00:00+00:00',
    '2024-01-15T09:60:00+00:00',
    '2024-01-15T09:50:00+24:00',
    '2024-01-15T09:50:00+05:60',
    '2024-01-15',
    '1705312200',
    1705312200,
    null,
    '9999-12-31T23:00:00-05:00', // past year 9999 in UTC
  ]
  for (const value of refused) t.equal(pythonIsoToUtc(value), undefined, JSON.stringify(value))
})

t.test('seconds are keyed as Python keys them: int(timestamp())', async (t) => {
  t.equal(pythonUnixSeconds(pythonInstant('2024-01-15T09:50:00.999999+00:00') as number), 1705312200)
  t.equal(pythonUnixSeconds(pythonInstant('2024-01-15T15:20:00+05:30') as number), 1705312200)
})
