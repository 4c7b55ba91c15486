// How the values of environment variables are written, and how a variable is documented: every
// variable carries `.meta({ description })`, from which `npm run docs:config` writes the table in
// docs/configuration.md.
import { z } from 'zod'

declare module 'zod' {
  interface GlobalMeta {
    /** A variable's default in words, when it is not one fixed value (a derived key, a share of memory). */
    defaultText?: string
  }
}

/** A whole number written in plain digits (no `0x`, `1e3` or blanks). */
export const integer = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))

export const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1')

export const commaList = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
)

/** A fraction from 0 to 1 written as a plain decimal (`0.9`). */
export const fraction = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'must be a decimal number')
  .transform(Number)
  .pipe(z.number().min(0).max(1))

/** An http(s) URL. */
export const httpUrl = z.url({ protocol: /^https?$/ })
