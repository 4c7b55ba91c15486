import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { subjectOf, type User, userIdOf } from '../../../models/index.js'
import type { UserService } from '../../../services/user-service.js'
import { page, success } from '../../envelope.js'
import { etagOf, ifMatchHeaders, parseIfMatch } from '../../if-match.js'
import { locationOf, unwrap } from '../../route-helpers.js'
import { dataResponse, errorResponses, HEADERS, noContent, pageResponse } from '../../schemas/responses.js'
import { createUserBody, listUsersQuery, updateUserBody, user, userParams } from './schemas.js'

const presentUser = (u: User) => ({
  id: subjectOf(u.id),
  tenantId: u.tenantId,
  email: u.email,
  name: u.name,
  phone: u.phone,
  roles: u.roles,
  version: u.version,
  createdUtc: u.createdUtc,
  updatedUtc: u.updatedUtc,
})

const oneUser = dataResponse(user, 'the user', { ETag: HEADERS.ETag })
const docs = {
  create: {
    summary: 'Create a user profile (tenant admins); the email is unique in the tenant',
    response: { 201: dataResponse(user, 'the user, as created', HEADERS), ...errorResponses(409, 422) },
  },
  me: { summary: 'The caller’s own profile', response: { 200: oneUser, ...errorResponses(404) } },
  read: { summary: 'Read a user (the user, or a tenant admin)', response: { 200: oneUser } },
  list: {
    summary: 'List users (tenant admins); `email=` finds one by exact email',
    response: { 200: pageResponse(user, 'one page of users') },
  },
  update: {
    summary:
      'Change a user (the user, or a tenant admin; roles: tenant admins, platform_admin: platform admins)',
    response: { 200: oneUser, ...errorResponses(409, 412) },
  },
  delete: {
    summary: 'Delete a user (the user, or a tenant admin)',
    response: { 204: noContent('deleted'), ...errorResponses(409, 412) },
  },
}

export const userRoutes: FastifyPluginAsyncZod<{ users: UserService }> = async (app, { users }) => {
  app.post(
    '/users',
    { schema: { body: createUserBody, ...docs.create }, config: { idempotent: true } },
    async (request, reply) => {
      const { id, ...profile } = request.body
      const input = id === undefined ? profile : { ...profile, id: userIdOf(id) }
      const created = unwrap(await users.create(request.auth, input))
      request.log.info({ newUserId: created.id }, 'user created')
      return reply
        .status(201)
        .header('Location', locationOf(request.url, subjectOf(created.id)))
        .header('ETag', etagOf(created.version))
        .send(success(presentUser(created)))
    },
  )

  app.get('/users/me', { schema: docs.me }, async (request, reply) => {
    const me = unwrap(await users.me(request.auth))
    return reply.header('ETag', etagOf(me.version)).send(success(presentUser(me)))
  })

  app.get('/users/:id', { schema: { params: userParams, ...docs.read } }, async (request, reply) => {
    const found = unwrap(await users.get(request.auth, userIdOf(request.params.id)))
    return reply.header('ETag', etagOf(found.version)).send(success(presentUser(found)))
  })

  app.get('/users', { schema: { querystring: listUsersQuery, ...docs.list } }, async (request) => {
    const { email, ...pageRequest } = request.query
    if (email !== undefined) {
      const found = unwrap(await users.findByEmail(request.auth, email))
      return page(found.map(presentUser), null, pageRequest.limit)
    }
    const { items, nextCursor } = unwrap(await users.list(request.auth, pageRequest))
    return page(items.map(presentUser), nextCursor, pageRequest.limit)
  })

  app.patch(
    '/users/:id',
    { schema: { params: userParams, body: updateUserBody, headers: ifMatchHeaders, ...docs.update } },
    async (request, reply) => {
      const ifMatch = parseIfMatch(request.headers['if-match'])
      const id = userIdOf(request.params.id)
      const updated = unwrap(await users.update(request.auth, id, request.body, ifMatch))
      request.log.info({ changedUserId: updated.id, version: updated.version }, 'user updated')
      return reply.header('ETag', etagOf(updated.version)).send(success(presentUser(updated)))
    },
  )

  app.delete(
    '/users/:id',
    { schema: { params: userParams, headers: ifMatchHeaders, ...docs.delete } },
    async (request, reply) => {
      const ifMatch = parseIfMatch(request.headers['if-match'])
      unwrap(await users.delete(request.auth, userIdOf(request.params.id), ifMatch))
      request.log.info({ deletedUserId: request.params.id }, 'user deleted')
      return reply.status(204).send()
    },
  )
}
