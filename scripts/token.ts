// `npm run token -- --tenant acme --user alice --roles tenant_admin` prints a development token
// signed with JWT_SECRET (or the documented development default).

import { parseArgs } from 'node:util'
import { createDecoder, createSigner } from 'fast-jwt'
import { configFromProcess } from '../src/config/config.js'
import { TENANT_ID_PATTERN } from '../src/models/index.js'
import { MAX_TOKEN_LIFETIME_SECONDS } from '../src/security/token-times.js'

const { values } = parseArgs({
  options: {
    tenant: { type: 'string' },
    user: { type: 'string' },
    roles: { type: 'string', default: 'member' },
    expires: { type: 'string', default: '12h' },
  },
})

if (!values.tenant || !values.user) {
  console.error(
    'usage: npm run token -- --tenant <id> --user <id> [--roles tenant_admin,member] [--expires 12h]',
  )
  process.exit(2)
}

if (!TENANT_ID_PATTERN.test(values.tenant)) {
  console.error(`--tenant must match ${TENANT_ID_PATTERN} (lower-case letters, digits, _ and -)`)
  process.exit(2)
}

const config = configFromProcess()
if (!config.jwt.secret) {
  console.error(
    'npm run token signs with JWT_SECRET; this configuration verifies tokens through JWT_JWKS_URL instead',
  )
  process.exit(2)
}

const sign = createSigner({
  key: config.jwt.secret,
  algorithm: 'HS256',
  expiresIn: values.expires,
  ...(config.jwt.issuer ? { iss: config.jwt.issuer } : {}),
  ...(config.jwt.audience ? { aud: config.jwt.audience } : {}),
})
const roles = values.roles
  .split(',')
  .map((role) => role.trim())
  .filter(Boolean)
const token = sign({ sub: values.user, tenant_id: values.tenant, roles })
const { iat, exp } = createDecoder()(token) as { iat: number; exp: number }
if (exp - iat > MAX_TOKEN_LIFETIME_SECONDS) {
  console.error(
    `--expires may be ${MAX_TOKEN_LIFETIME_SECONDS / 3600}h at most: the server refuses longer tokens`,
  )
  process.exit(2)
}
console.log(token)
