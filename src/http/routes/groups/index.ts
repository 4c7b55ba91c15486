import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { GroupService } from '../../../services/group-service.js'
import type { ServiceResult } from '../../../services/service-result.js'
import { page, success } from '../../envelope.js'
import { dataResponse, errorResponses, HEADERS, noContent, pageResponse } from '../../schemas/responses.js'
import { etagOf, parseIfMatch, presentGroup } from './presenter.js'
import { group as groupSchema, listedGroup } from './responses.js'
import { createGroupBody, groupParams, ifMatchHeaders, listGroupsQuery, updateGroupBody } from './schemas.js'

// What each route answers, for the OpenAPI document (the errors every route shares are added
// centrally, see src/http/openapi/route-defaults.ts).
const oneGroup = dataResponse(groupSchema, 'the group', { ETag: HEADERS.ETag })
const conflicts = errorResponses(409, 412)
const createDocs = {
  summary: 'Create a group',
  response: { 201: dataResponse(groupSchema, 'the group, as created', HEADERS) },
}
const readDocs = { summary: 'Read a group', response: { 200: oneGroup } }
const updateDocs = { summary: 'Change some fields of a group', response: { 200: oneGroup, ...conflicts } }
const deleteDocs = { summary: 'Delete a group', response: { 204: noContent('deleted'), ...conflicts } }
const listDocs = {
  summary: 'List groups',
  description:
    'With scope=mine and a group type: the caller’s groups of that type, by name. With a group type ' +
    'alone: the tenant’s groups of that type, by name. Otherwise: the tenant’s groups by creation time.',
  response: { 200: pageResponse(listedGroup, 'one page of the groups the caller may read') },
}

/** Returns the value of a successful result, or throws its error for the error handler. */
function unwrap<T>(result: ServiceResult<T>): T {
  if (!result.ok) throw result.error
  return result.value
}

export const groupRoutes: FastifyPluginAsyncZod<{ groups: GroupService }> = async (app, { groups }) => {
  app.post('/groups', { schema: { body: createGroupBody, ...createDocs } }, async (request, reply) => {
    const group = unwrap(await groups.create(request.auth, request.body))
    request.log.info({ groupId: group.id }, 'group created')
    return reply
      .status(201)
      .header('Location', `${request.url.replace(/\/$/, '')}/${group.id}`)
      .header('ETag', etagOf(group.version))
      .send(success(presentGroup(group)))
  })

  app.get('/groups/:id', { schema: { params: groupParams, ...readDocs } }, async (request, reply) => {
    const group = unwrap(await groups.get(request.auth, request.params.id))
    return reply.header('ETag', etagOf(group.version)).send(success(presentGroup(group)))
  })

  app.patch(
    '/groups/:id',
    { schema: { params: groupParams, body: updateGroupBody, headers: ifMatchHeaders, ...updateDocs } },
    async (request, reply) => {
      const ifMatch = parseIfMatch(request.headers['if-match'])
      const group = unwrap(await groups.update(request.auth, request.params.id, request.body, ifMatch))
      request.log.info({ groupId: group.id, version: group.version }, 'group updated')
      return reply.header('ETag', etagOf(group.version)).send(success(presentGroup(group)))
    },
  )

  app.delete(
    '/groups/:id',
    { schema: { params: groupParams, headers: ifMatchHeaders, ...deleteDocs } },
    async (request, reply) => {
      const ifMatch = parseIfMatch(request.headers['if-match'])
      unwrap(await groups.delete(request.auth, request.params.id, ifMatch))
      request.log.info({ groupId: request.params.id }, 'group deleted')
      return reply.status(204).send()
    },
  )

  app.get('/groups', { schema: { querystring: listGroupsQuery, ...listDocs } }, async (request) => {
    const query = request.query
    const pageRequest = { limit: query.limit, cursor: query.cursor }
    const result =
      query.scope === 'mine' && query.groupType
        ? await groups.listByOwnerAndType(request.auth, query.groupType, pageRequest)
        : query.groupType
          ? await groups.listByTenantAndType(request.auth, query.groupType, pageRequest)
          : await groups.listByTenant(
              request.auth,
              { from: query.createdFrom, to: query.createdTo, order: query.order },
              pageRequest,
            )
    const { items, nextCursor } = unwrap(result)
    return page(
      items.map((group) => presentGroup(group, query.fields)),
      nextCursor,
      query.limit,
    )
  })
}
