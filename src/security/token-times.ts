// The time claims fast-jwt leaves alone: it checks exp and nbf against the clock, but believes an
// iat in the future and an exp centuries away (1e308 included). Both bounds only loosen as time
// passes, so a token remembered as verified (verified-tokens.ts) stays within them.

/** How far a token's iat may be ahead of our clock: the issuer's clock may run a little fast. */
export const CLOCK_SKEW_SECONDS = 60

/**
 * The longest a token may still be valid, counted from now (plus the clock skew). Identity
 * providers issue tokens for minutes or hours; Cognito's last a day at most.
 */
export const MAX_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60

export interface TimeClaims {
  exp?: unknown
  iat?: unknown
}

/** Whether a token's exp (required) and iat (when present) are NumericDates we can believe. */
export function hasPlausibleTimes(claims: TimeClaims, nowMs = Date.now()): boolean {
  const now = nowMs / 1000
  if (!isNumericDate(claims.exp) || claims.exp > now + MAX_TOKEN_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS) {
    return false
  }
  if (claims.iat === undefined) return true
  return isNumericDate(claims.iat) && claims.iat <= now + CLOCK_SKEW_SECONDS
}

const isNumericDate = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0
