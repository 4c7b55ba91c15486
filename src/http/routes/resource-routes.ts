// The routes every declared resource gets, under its path: create (201, Location, ETag,
// Idempotency-Key), batch create, read (ETag), partial update and delete (If-Match), and one list
// route whose query picks one of the resource's lists.
import type { preValidationHookHandler } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { z } from 'zod'
import type { ErrorDetail } from '../../errors/app-error.js'
import { OPAQUE_ID_PATTERN, type TenantModel } from '../../models/index.js'
import type { LookupSpec } from '../../services/resource-hooks.js'
import type { ListSpec, PageRequest, ResourceService } from '../../services/resource-service.js'
import { page, success } from '../envelope.js'
import { etagOf, ifMatchHeaders, parseIfMatch } from '../if-match.js'
import { locationOf, unwrap } from '../route-helpers.js'
import type { CheckedItem } from '../schemas/batch-items.js'
import { takesOpaqueId } from '../schemas/resource-schemas.js'
import { dataResponse, errorResponses, HEADERS, noContent, pageResponse } from '../schemas/responses.js'

type Schema = z.ZodType
type App = Parameters<FastifyPluginAsyncZod>[0]
/** The routes a resource may go without. */
export type GenericRoute = 'delete'

/** The HTTP side of a resource: its path, shapes, documentation and how a list query is read. */
export interface ResourceRoutesSpec<M extends TenantModel, Create, Update, Query extends PageRequest> {
  /** The collection's path, e.g. `/groups`. */
  path: string
  /** The singular noun log lines and documents use, e.g. `group`. */
  noun: string
  schemas: {
    create: z.ZodType<Create, unknown>
    update: z.ZodType<Update, unknown>
    /** `idParams` for opaque ids: one that can name no item answers 404 like a missing one. */
    params: z.ZodType<{ id: string }, unknown>
    listQuery: z.ZodType<Query, unknown>
    item: Schema
    listed: Schema
    batch?: { body: z.ZodType<{ items: CheckedItem<Create>[] }, unknown>; outcomes: Schema }
  }
  present(item: M, fields?: readonly string[]): Record<string, unknown>
  /** Which list a query reads, and its parameters. */
  pickList(query: Query): { list: ListSpec<M, Query> | LookupSpec<Query>; params: Query }
  /** How an id in a path becomes the id an item holds, and back (both unchanged when absent). */
  pathId?: { fromPath(id: string): string; toPath(id: string): string }
  /** The keys log lines name a changed item's id with (`<noun>Id` when absent). */
  logKeys?: { created?: string; updated?: string; deleted?: string }
  omit?: readonly GenericRoute[]
  /** Routes of the resource's own, registered before the generic ones that take an id. */
  extraRoutes?(app: App, service: ResourceService<M, Create, Update>): void
  docs: {
    create: string
    read: string
    update: string
    delete?: string
    list: { summary: string; description?: string; response: string }
    batch?: { summary: string; description: string }
  }
  batch?: { max: number; bodyLimitBytes: number }
}

export function resourceRoutes<M extends TenantModel, Create, Update, Query extends PageRequest>(
  spec: ResourceRoutesSpec<M, Create, Update, Query>,
): FastifyPluginAsyncZod<{ service: ResourceService<M, Create, Update> }> {
  const { path, noun, schemas, docs } = spec
  const logKey = `${noun}Id`
  const logKeys = { created: logKey, updated: logKey, deleted: logKey, ...spec.logKeys }
  const fromPath = (params: unknown) => {
    const { id } = params as { id: string }
    return spec.pathId ? spec.pathId.fromPath(id) : id
  }
  const toPath = (id: string) => (spec.pathId ? spec.pathId.toPath(id) : id)
  const one = dataResponse(schemas.item, `the ${noun}`, { ETag: HEADERS.ETag })
  const conflicts = errorResponses(409, 412)
  const present = (item: M) => success(spec.present(item))

  return async (app, { service }) => {
    // Before validation, so that a malformed id is refused exactly as a well-formed missing one.
    const refuseUnknownIds: preValidationHookHandler[] = takesOpaqueId(schemas.params)
      ? [
          async (request) => {
            const { id } = request.params as { id: string }
            if (!OPAQUE_ID_PATTERN.test(id)) throw service.missing()
          },
        ]
      : []
    app.post(
      path,
      {
        schema: {
          body: schemas.create,
          summary: docs.create,
          response: {
            201: dataResponse(schemas.item, `the ${noun}, as created`, HEADERS),
            ...errorResponses(409, 422),
          },
        },
        config: { idempotent: true },
      },
      async (request, reply) => {
        const created = unwrap(await service.create(request.auth, request.body as Create))
        request.log.info({ [logKeys.created]: created.id }, `${noun} created`)
        return reply
          .status(201)
          .header('Location', locationOf(request.url, toPath(created.id)))
          .header('ETag', etagOf(created.version))
          .send(present(created))
      },
    )

    const { batch } = spec
    if (batch && schemas.batch && docs.batch) {
      app.post(
        `${path}/batch`,
        {
          schema: {
            body: schemas.batch.body,
            ...docs.batch,
            response: {
              200: dataResponse(schemas.batch.outcomes, 'one outcome per item, in item order'),
              ...errorResponses(409, 422),
            },
          },
          bodyLimit: batch.bodyLimitBytes,
          config: { idempotent: true },
        },
        async (request) => {
          const valid: { index: number; input: Create }[] = []
          const invalid: {
            index: number
            error: { code: string; message: string; details: ErrorDetail[] }
          }[] = []
          ;(request.body as { items: CheckedItem<Create>[] }).items.forEach((item, index) => {
            if (item.valid) valid.push({ index, input: item.value })
            else
              invalid.push({
                index,
                error: { code: 'VALIDATION_ERROR', message: 'invalid item', details: item.details },
              })
          })
          const written =
            valid.length > 0 ? unwrap(await service.createMany(request.auth, valid, batch.max)) : []
          const outcomes = [
            ...invalid,
            ...written.map((outcome) =>
              'id' in outcome
                ? outcome
                : {
                    index: outcome.index,
                    error: { code: outcome.error.code, message: outcome.error.message },
                  },
            ),
          ].sort((a, b) => a.index - b.index)
          // Items that failed for want of DynamoDB may yet be written: a retry with the same key finishes them.
          request.unfinished = written.some((outcome) => 'error' in outcome && outcome.error.status >= 500)
          request.log.info({ created: written.length, invalid: invalid.length }, `${noun} batch processed`)
          return success(outcomes)
        },
      )
    }

    spec.extraRoutes?.(app, service)

    app.get(
      `${path}/:id`,
      {
        schema: { params: schemas.params, summary: docs.read, response: { 200: one } },
        preValidation: refuseUnknownIds,
      },
      async (request, reply) => {
        const found = unwrap(await service.get(request.auth, fromPath(request.params)))
        return reply.header('ETag', etagOf(found.version)).send(present(found))
      },
    )

    app.patch(
      `${path}/:id`,
      {
        schema: {
          params: schemas.params,
          body: schemas.update,
          headers: ifMatchHeaders,
          summary: docs.update,
          response: { 200: one, ...conflicts },
        },
        preValidation: refuseUnknownIds,
      },
      async (request, reply) => {
        const ifMatch = parseIfMatch(request.headers['if-match'])
        const id = fromPath(request.params)
        const updated = unwrap(await service.update(request.auth, id, request.body as Update, ifMatch))
        request.log.info({ [logKeys.updated]: updated.id, version: updated.version }, `${noun} updated`)
        return reply.header('ETag', etagOf(updated.version)).send(present(updated))
      },
    )

    if (!spec.omit?.includes('delete'))
      app.delete(
        `${path}/:id`,
        {
          schema: {
            params: schemas.params,
            headers: ifMatchHeaders,
            summary: docs.delete,
            response: { 204: noContent('deleted'), ...conflicts },
          },
          preValidation: refuseUnknownIds,
        },
        async (request, reply) => {
          const ifMatch = parseIfMatch(request.headers['if-match'])
          unwrap(await service.delete(request.auth, fromPath(request.params), ifMatch))
          // The id as the path gave it.
          request.log.info({ [logKeys.deleted]: (request.params as { id: string }).id }, `${noun} deleted`)
          return reply.status(204).send()
        },
      )

    const { response: listed, ...listDocs } = docs.list
    app.get(
      path,
      {
        schema: {
          querystring: schemas.listQuery,
          ...listDocs,
          response: { 200: pageResponse(schemas.listed, listed) },
        },
      },
      async (request) => {
        const query = request.query as Query
        const { list, params } = spec.pickList(query)
        const pageRequest = { limit: query.limit, cursor: query.cursor, fields: query.fields }
        const { items, nextCursor } = unwrap(await service.list(request.auth, list, params, pageRequest))
        return page(
          items.map((item) => spec.present(item, query.fields)),
          nextCursor,
          query.limit,
        )
      },
    )
  }
}
