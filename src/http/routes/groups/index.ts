import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { z } from 'zod'
import type { ErrorDetail } from '../../../errors/app-error.js'
import { type GroupService, MAX_BATCH_CREATE } from '../../../services/group-service.js'
import { page, success } from '../../envelope.js'
import { etagOf, ifMatchHeaders, parseIfMatch } from '../../if-match.js'
import { locationOf, unwrap } from '../../route-helpers.js'
import { maxBatchBytes } from '../../schemas/batch-items.js'
import { dataResponse, errorResponses, HEADERS, noContent, pageResponse } from '../../schemas/responses.js'
import { presentGroup } from './presenter.js'
import { batchOutcomes, group as groupSchema, listedGroup } from './responses.js'
import {
  batchCreateGroupsBody,
  createGroupBody,
  groupParams,
  listGroupsQuery,
  updateGroupBody,
} from './schemas.js'

/**
 * Room for a full batch of the largest valid items, each string at its maximum length in the widest
 * characters JSON.stringify writes (about 15 KB an item, 14.4 MiB in all).
 */
export const BATCH_BODY_LIMIT_BYTES = maxBatchBytes(createGroupBody, MAX_BATCH_CREATE)

// What each route answers, for the OpenAPI document (the errors every route shares are added
// centrally, see src/http/openapi/route-defaults.ts).
const oneGroup = dataResponse(groupSchema, 'the group', { ETag: HEADERS.ETag })
const conflicts = errorResponses(409, 412)
const createDocs = {
  summary: 'Create a group',
  response: { 201: dataResponse(groupSchema, 'the group, as created', HEADERS), ...errorResponses(409, 422) },
}
const readDocs = { summary: 'Read a group', response: { 200: oneGroup } }
const updateDocs = { summary: 'Change some fields of a group', response: { 200: oneGroup, ...conflicts } }
const deleteDocs = { summary: 'Delete a group', response: { 204: noContent('deleted'), ...conflicts } }
const batchDocs = {
  summary: 'Create up to 1000 groups',
  description:
    'Each item is a group body as for POST /groups. Valid items are all written (each with its audit ' +
    'entry); each outcome says the id it got or why it was not written, by index. Nothing is dropped.',
  response: {
    200: dataResponse(batchOutcomes, 'one outcome per item, in item order'),
    ...errorResponses(409, 422),
  },
}
const listDocs = {
  summary: 'List groups',
  description:
    'With scope=mine and a group type: the caller’s groups of that type, by name. With a group type ' +
    'alone: the tenant’s groups of that type, by name. Otherwise: the tenant’s groups by creation time.',
  response: { 200: pageResponse(listedGroup, 'one page of the groups the caller may read') },
}

export const groupRoutes: FastifyPluginAsyncZod<{ groups: GroupService }> = async (app, { groups }) => {
  app.post(
    '/groups',
    { schema: { body: createGroupBody, ...createDocs }, config: { idempotent: true } },
    async (request, reply) => {
      const group = unwrap(await groups.create(request.auth, request.body))
      request.log.info({ groupId: group.id }, 'group created')
      return reply
        .status(201)
        .header('Location', locationOf(request.url, group.id))
        .header('ETag', etagOf(group.version))
        .send(success(presentGroup(group)))
    },
  )

  app.post(
    '/groups/batch',
    {
      schema: { body: batchCreateGroupsBody, ...batchDocs },
      bodyLimit: BATCH_BODY_LIMIT_BYTES,
      config: { idempotent: true },
    },
    async (request) => {
      const valid: { index: number; input: z.infer<typeof createGroupBody> }[] = []
      const invalid: { index: number; error: { code: string; message: string; details: ErrorDetail[] } }[] =
        []
      request.body.items.forEach((item, index) => {
        if (item.valid) valid.push({ index, input: item.value })
        else
          invalid.push({
            index,
            error: { code: 'VALIDATION_ERROR', message: 'invalid item', details: item.details },
          })
      })
      const written = valid.length > 0 ? unwrap(await groups.createMany(request.auth, valid)) : []
      const outcomes = [
        ...invalid,
        ...written.map((outcome) =>
          'id' in outcome
            ? outcome
            : { index: outcome.index, error: { code: outcome.error.code, message: outcome.error.message } },
        ),
      ].sort((a, b) => a.index - b.index)
      // Items that failed for want of DynamoDB may yet be written: a retry with the same key finishes them.
      request.unfinished = written.some((outcome) => 'error' in outcome && outcome.error.status >= 500)
      request.log.info({ created: written.length, invalid: invalid.length }, 'group batch processed')
      return success(outcomes)
    },
  )

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
    const pageRequest = { limit: query.limit, cursor: query.cursor, fields: query.fields }
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
