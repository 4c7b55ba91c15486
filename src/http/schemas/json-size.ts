// The most bytes a value a schema accepts can take as JSON.stringify writes it (UTF-8, no
// indentation), so that body limits follow from the schemas instead of from a guess.
import { z } from 'zod'

// JSON.stringify writes a control character as \u00XX: six bytes for one UTF-16 code unit (the
// unit string lengths are counted in). No other character takes more: three bytes at most in UTF-8.
const MAX_BYTES_PER_CODE_UNIT = 6
const NULL_BYTES = 'null'.length

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value))

/** Throws for a schema whose values have no largest size (a string without a maximum length). */
export function maxJsonBytes(schema: z.ZodType): number {
  if (schema instanceof z.ZodOptional) return maxJsonBytes(schema.unwrap() as z.ZodType)
  if (schema instanceof z.ZodNullable) return Math.max(NULL_BYTES, maxJsonBytes(schema.unwrap() as z.ZodType))
  if (schema instanceof z.ZodString) {
    if (schema.maxLength === null) throw new Error('a string without a maximum length has no largest size')
    return 2 + MAX_BYTES_PER_CODE_UNIT * schema.maxLength
  }
  if (schema instanceof z.ZodEnum) return Math.max(...schema.options.map(jsonBytes))
  if (schema instanceof z.ZodBoolean) return jsonBytes(false)
  if (schema instanceof z.ZodObject) {
    if (!(schema._zod.def.catchall instanceof z.ZodNever))
      throw new Error('an object that takes unknown keys has no largest size')
    const fields = Object.entries(schema.shape as Record<string, z.ZodType>)
    // `{` `}`, a comma between fields, and each `"key":value`.
    return (
      2 +
      Math.max(fields.length - 1, 0) +
      fields.reduce((sum, [key, value]) => sum + jsonBytes(key) + 1 + maxJsonBytes(value), 0)
    )
  }
  throw new Error(`no largest JSON size is known for a ${schema._zod.def.type} schema`)
}
