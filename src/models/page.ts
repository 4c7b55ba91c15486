/**
 * The longest page cursor a list accepts. A cursor is opaque to everyone but the table gateway,
 * which signs it (src/db/cursor.ts); the API refuses a longer one before it gets there.
 */
export const MAX_CURSOR_LENGTH = 2048
