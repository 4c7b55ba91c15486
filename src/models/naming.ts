const snakeCache = new Map<string, string>()
const camelCache = new Map<string, string>()

/** `createdUtc` → `created_utc`, `UserProfile` → `user_profile`. */
export function toSnakeCase(name: string): string {
  let snake = snakeCache.get(name)
  if (snake === undefined) {
    snake = name
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
      .toLowerCase()
    snakeCache.set(name, snake)
  }
  return snake
}

/** `created_utc` → `createdUtc`. */
export function toCamelCase(name: string): string {
  let camel = camelCache.get(name)
  if (camel === undefined) {
    camel = name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase())
    camelCache.set(name, camel)
  }
  return camel
}
