// Contract tests: every response the integration suite receives is checked against the committed
// OpenAPI document, by route template, method and status. A response the document does not
// describe, or whose body does not match the schema there, is a violation. Routes hidden from the
// document on purpose (the Swagger UI's assets, the CORS preflight) are outside the contract.
import { readFileSync } from 'node:fs'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { DOCUMENT_PATH } from '../../scripts/openapi-document.js'
import { UNLISTED_ROUTES } from '../../src/http/openapi/document.js'

type Json = Record<string, unknown>
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void

export interface Exchange {
  method: string
  /** The route template (`/v2/groups/:id`), or undefined when no route matched. */
  route: string | undefined
  status: number
  contentType: string | undefined
  body: string
}

/** The Fastify route template as an OpenAPI path: `/v2/groups/:id` → `/v2/groups/{id}`. */
export const openApiPath = (route: string) => route.replace(/:([A-Za-z0-9_]+)/g, '{$1}')

export class ContractChecker {
  readonly #document: Json
  readonly #ajv: Ajv2020
  readonly #validators = new Map<string, ReturnType<Ajv2020['compile']>>()

  constructor(document: Json) {
    this.#document = document
    this.#ajv = new Ajv2020({ strict: false, allErrors: true })
    addFormats(this.#ajv)
    this.#ajv.addSchema(document, 'openapi.json')
  }

  /** What is wrong with this exchange, or undefined when the document describes it. */
  check(exchange: Exchange): string | undefined {
    const what = `${exchange.method} ${exchange.route ?? '(no route)'} → ${exchange.status}`
    const found = this.#response(exchange)
    if (typeof found === 'string') return `${what}: ${found}`
    const { pointer, response } = found
    const content = response.content as Record<string, Json> | undefined
    // A HEAD response is its GET's without the body, which Node drops after the onSend hooks.
    if (exchange.method === 'HEAD') return undefined
    if (!content) {
      return exchange.body === ''
        ? undefined
        : `${what}: the document describes no body, got ${exchange.body.slice(0, 200)}`
    }
    const mediaType = exchange.contentType?.split(';')[0]?.trim() ?? ''
    if (!content[mediaType]) return `${what}: the document has no ${mediaType || 'untyped'} body for it`
    let body: unknown = exchange.body
    if (mediaType === 'application/json') {
      try {
        body = JSON.parse(exchange.body)
      } catch {
        return `${what}: the body is not JSON`
      }
    }
    const validate = this.#validator(`${pointer}/content/${pointerPart(mediaType)}/schema`)
    if (validate(body)) return undefined
    return `${what}: ${this.#ajv.errorsText(validate.errors)} in ${exchange.body.slice(0, 500)}`
  }

  /** The response object (and its JSON pointer) the document gives this exchange, or a problem. */
  #response(exchange: Exchange): { pointer: string; response: Json } | string {
    const status = String(exchange.status)
    if (exchange.route === undefined) {
      const unlisted = this.#document[UNLISTED_ROUTES] as Record<string, Json> | undefined
      if (!unlisted?.[status]) return `no response for unlisted routes has this status`
      return this.#resolve(`#/${UNLISTED_ROUTES}/${status}`)
    }
    const path = openApiPath(exchange.route)
    const method = exchange.method === 'HEAD' ? 'get' : exchange.method.toLowerCase()
    const operation = (this.#document.paths as Record<string, Record<string, Json>>)[path]?.[method]
    if (!operation) return 'the route is not in the document'
    const responses = operation.responses as Record<string, Json>
    const key = [status, `${status[0]}XX`, 'default'].find((candidate) => responses[candidate])
    if (!key) return `the document gives this route no ${status} response`
    return this.#resolve(`#/paths/${pointerPart(path)}/${method}/responses/${key}`)
  }

  #resolve(pointer: string): { pointer: string; response: Json } {
    let current: unknown = this.#document
    for (const part of pointer.slice(2).split('/')) current = (current as Json)[fromPointerPart(part)]
    const ref = (current as Json).$ref
    return typeof ref === 'string' ? this.#resolve(ref) : { pointer, response: current as Json }
  }

  #validator(pointer: string) {
    let validate = this.#validators.get(pointer)
    if (!validate) {
      validate = this.#ajv.compile({ $ref: `openapi.json${pointer}` })
      this.#validators.set(pointer, validate)
    }
    return validate
  }
}

const pointerPart = (part: string) => part.replaceAll('~', '~0').replaceAll('/', '~1')
const fromPointerPart = (part: string) => part.replaceAll('~1', '/').replaceAll('~0', '~')

let committed: ContractChecker | undefined

/** A checker for the committed document, built once per test process. */
export function committedContract(): ContractChecker {
  committed ??= new ContractChecker(JSON.parse(readFileSync(DOCUMENT_PATH, 'utf8')))
  return committed
}

/** Adds the onSend hook that checks every response; call it before any route is registered. */
export function checkResponses(
  app: FastifyInstance,
  checker: ContractChecker,
  onViolation: (problem: string) => void,
): void {
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if ((request.routeOptions.schema as { hide?: boolean } | undefined)?.hide) return payload
    const problem = checker.check({
      method: request.method,
      route: request.routeOptions.url,
      status: reply.statusCode,
      contentType: reply.getHeader('content-type') as string | undefined,
      body: payload === undefined || payload === null ? '' : String(payload),
    })
    if (problem) onViolation(problem)
    return payload
  })
}
