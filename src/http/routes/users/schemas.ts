import { z } from 'zod'
import { isSubject, MAX_CURSOR_LENGTH, ROLES, SUBJECT_PATTERN } from '../../../models/index.js'
import { timestamp } from '../../schemas/envelope.js'

// The API names a user by their subject (`sub`); handlers pass on the id keys hold (userIdOf).
const userId = z
  .string()
  .regex(SUBJECT_PATTERN, 'a user id has no blanks or #, and at most 128 characters')
  .refine(isSubject, 'a user id is well-formed text, and at most 128 characters when written in ASCII')
// Blanks around an email are dropped; its case is kept (lookups ignore case).
const email = z.string().trim().pipe(z.email().max(320))
const phone = z
  .string()
  .regex(/^\+?[0-9 ()-]{3,32}$/, 'a phone number: digits, spaces, ( ) - and a leading +')

export const createUserBody = z
  .strictObject({
    id: userId
      .optional()
      .meta({ description: 'the user’s `sub` in the identity provider; generated when omitted' }),
    email,
    name: z.string().trim().min(1).max(200),
    phone: phone.nullable().optional(),
    roles: z.array(z.enum(ROLES)).max(ROLES.length).optional(),
  })
  .meta({
    id: 'CreateUser',
    examples: [{ id: 'alice', email: 'alice@acme.example', name: 'Alice', roles: ['tenant_admin'] }],
  })

export const updateUserBody = z
  .strictObject({
    email,
    name: z.string().trim().min(1).max(200),
    phone: phone.nullable(),
    roles: z.array(z.enum(ROLES)).max(ROLES.length),
  })
  .partial()
  .refine((changes) => Object.keys(changes).length > 0, { message: 'at least one field must be given' })
  .meta({ id: 'UpdateUser', examples: [{ name: 'Alice Smith' }] })

export const userParams = z.strictObject({ id: userId })

export const listUsersQuery = z.strictObject({
  email: email
    .optional()
    .meta({ description: 'exact match (through a blind index; emails are stored encrypted)' }),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(MAX_CURSOR_LENGTH).optional(),
})

export const user = z
  .strictObject({
    id: z.string(),
    tenantId: z.string(),
    email: z.string(),
    name: z.string(),
    phone: z.string().nullable(),
    roles: z.array(z.string()),
    version: z.int().min(1),
    createdUtc: timestamp,
    updatedUtc: timestamp,
  })
  .meta({
    id: 'User',
    examples: [
      {
        id: 'alice',
        tenantId: 'acme',
        email: 'alice@acme.example',
        name: 'Alice',
        phone: null,
        roles: ['tenant_admin'],
        version: 1,
        createdUtc: '2024-01-15T10:00:00.000Z',
        updatedUtc: '2024-01-15T10:00:00.000Z',
      },
    ],
  })
