// A user id is a token's subject (`sub`) in the form that keys and stored items hold. Keys are
// lower-cased (buildKey), so a subject goes in as it is only when lower-casing cannot change it:
// printable ASCII without capitals, `#` or `%`. Every other character (a capital, a Kelvin sign, a
// fullwidth letter, a ligature, a combining accent, a dotless i) is percent-encoded: its UTF-8
// bytes as `%xx`, lower-case hex. An encoded id always holds a `%` and a plain one never does, so
// two distinct subjects never share an id, whatever their case or Unicode form; nothing is
// normalised. Lower-case subjects (Cognito's UUIDs, `auth0|…`) keep the ids they always had.

const PLAIN_CHARACTER = /^[\x21\x22\x24\x26-\x40\x5b-\x7e]$/
const PLAIN_ID = /^[\x21\x22\x24\x26-\x40\x5b-\x7e]*$/
/** A subject: no blanks and no key separator. */
export const SUBJECT_PATTERN = /^[^#\s]{1,128}$/
// Half of a surrogate pair on its own: it has no UTF-8 bytes of its own to encode.
const LONE_SURROGATE = /\p{Cs}/u
/**
 * The longest user id: every subject of 128 ASCII characters fits, and a user's longest key (a
 * name of 200 characters, then the id) stays within DynamoDB's 1 KB sort key.
 */
export const MAX_USER_ID_LENGTH = 384

/**
 * The user id of the platform where a platform admin acted on a tenant's data: the author of the
 * change, and the owner of what it created. No subject holds a `#`, so no user can pose as it.
 */
export const PLATFORM_ACTOR = '#platform'

/**
 * The user id that data imported from another system's table is recorded as created by (the author
 * of the audit entries of an import); as with the platform, no user can pose as it.
 */
export const IMPORT_ACTOR = '#import'

const utf8 = new TextEncoder()

/** The user id of a subject (see above); injective. */
export function userIdOf(subject: string): string {
  if (PLAIN_ID.test(subject)) return subject
  let id = ''
  for (const character of subject) {
    if (PLAIN_CHARACTER.test(character)) id += character
    else for (const byte of utf8.encode(character)) id += `%${byte.toString(16).padStart(2, '0')}`
  }
  return id
}

/** The subject a user id stands for: what the API shows. Ids that are not encoded come back as they are. */
export function subjectOf(userId: string): string {
  if (!userId.includes('%')) return userId
  try {
    return decodeURIComponent(userId)
  } catch {
    return userId
  }
}

/** A subject that can become a user id: the pattern, well-formed text, and an id short enough for keys. */
export function isSubject(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    SUBJECT_PATTERN.test(value) &&
    !LONE_SURROGATE.test(value) &&
    userIdOf(value).length <= MAX_USER_ID_LENGTH
  )
}
