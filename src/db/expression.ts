// Placeholders for DynamoDB expressions: attribute names and values never enter an expression
// as text, so no input can change its meaning.
import { toSnakeCase } from '../models/naming.js'

export class ExpressionAttributes {
  readonly names: Record<string, string> = {}
  readonly values: Record<string, unknown> = {}
  #nameCount = 0
  #valueCount = 0
  readonly #nameAliases = new Map<string, string>()

  /** `#n0` for a stored attribute name. */
  name(attribute: string): string {
    let alias = this.#nameAliases.get(attribute)
    if (!alias) {
      alias = `#n${this.#nameCount++}`
      this.#nameAliases.set(attribute, alias)
      this.names[alias] = attribute
    }
    return alias
  }

  /** `#n0.#n1` for a model field path such as `privacySettings.visibility`. */
  path(fieldPath: string): string {
    return fieldPath
      .split('.')
      .map((segment) => this.name(toSnakeCase(segment)))
      .join('.')
  }

  value(value: unknown): string {
    const alias = `:v${this.#valueCount++}`
    this.values[alias] = value
    return alias
  }

  /** The parameters to spread into a command, leaving out empty maps (DynamoDB rejects them). */
  toParams(): {
    ExpressionAttributeNames?: Record<string, string>
    ExpressionAttributeValues?: Record<string, unknown>
  } {
    return {
      ...(this.#nameCount > 0 ? { ExpressionAttributeNames: this.names } : {}),
      ...(this.#valueCount > 0 ? { ExpressionAttributeValues: this.values } : {}),
    }
  }
}
