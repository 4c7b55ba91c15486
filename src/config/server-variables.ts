// The server itself: where it listens, how it logs, what it accepts, and how it checks tokens.
import { z } from 'zod'
import { booleanFlag, commaList, httpUrl, integer } from './env-values.js'

export const DEVELOPMENT_JWT_SECRET = 'tessera-development-secret-change-me'

export const serverVariables = {
  NODE_ENV: z
    .enum(['development', 'test', 'production'])
    .default('development')
    .meta({
      description:
        '`development`, `test` or `production`; production refuses the development secrets and keys ' +
        'below, and `npm start` then starts no DynamoDB Local',
    }),
  HOST: z.string().min(1).default('0.0.0.0').meta({ description: 'the address the listeners bind' }),
  PORT: integer(0, 65535).default(3000).meta({ description: 'where the API listens' }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').meta({
    description:
      'pino level (`fatal` … `trace`, or `silent`); lines are human-readable in development, JSON otherwise',
  }),
  BODY_LIMIT_BYTES: integer(1024).default(1_048_576).meta({
    description: 'larger request bodies get 413 (the batch route has a limit of its own, 14.4 MiB)',
  }),
  CORS_ORIGINS: commaList
    .default([])
    .meta({ description: 'comma-separated origins allowed to call from a browser', defaultText: 'none' }),
  CORS_CREDENTIALS: booleanFlag.default(false).meta({ description: 'allow credentialed CORS requests' }),
  TRUST_PROXY: booleanFlag.default(false).meta({
    description: 'behind a load balancer: take the client address (audit log) from `X-Forwarded-For`',
  }),
}

// Tokens and cursors. Outside production a development secret is used when none is set.
export const tokenVariables = {
  JWT_SECRET: z
    .string()
    .min(16)
    .optional()
    .meta({
      description: 'HS256 secret of tokens (16 characters at least)',
      defaultText: `\`${DEVELOPMENT_JWT_SECRET}\` outside production`,
    }),
  JWT_JWKS_URL: httpUrl.optional().meta({
    description: "verify RS256/ES256 tokens with keys from this JWKS URL (e.g. Cognito's) instead",
  }),
  JWT_JWKS_MAX_AGE_MS: integer(1_000).default(600_000).meta({
    description:
      'the key set is fetched again after this long (a withdrawn key stops verifying); on failure the held keys stay',
  }),
  JWT_JWKS_REFRESH_INTERVAL_MS: integer(0).default(30_000).meta({
    description:
      'at most one fetch of the key set per this long, one at a time: a token with an unknown `kid` is refused meanwhile',
  }),
  JWT_ISSUER: z
    .string()
    .min(1)
    .optional()
    .meta({ description: 'when set, tokens must carry exactly this `iss`' }),
  JWT_AUDIENCE: z
    .string()
    .min(1)
    .optional()
    .meta({ description: 'when set, tokens must carry exactly this `aud`' }),
  CURSOR_SECRET: z.string().min(16).optional().meta({
    description: 'HMAC key of pagination cursors (16 characters at least)',
    defaultText: 'derived from the JWT secret outside production',
  }),
}
