// The one DI container, assembled at start-up. Tests call buildContainer and then register their
// own value for any token before building the app.
import 'reflect-metadata'
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { type DependencyContainer, instanceCachingFactory, container as rootContainer } from 'tsyringe'
import type { Config } from './config/config.js'
import { CursorCodec } from './db/cursor.js'
import { createDocumentClient, createDynamoDbClient } from './db/dynamodb-client.js'
import { TableGateway } from './db/table-gateway.js'
import { Metrics } from './observability/metrics.js'
import { type Clock, systemClock } from './services/clock.js'
import { GroupService } from './services/group-service.js'

export const TOKENS = {
  Config: Symbol('Config'),
  Clock: Symbol('Clock'),
  DynamoDbClient: Symbol('DynamoDbClient'),
  DocumentClient: Symbol('DocumentClient'),
  CursorCodec: Symbol('CursorCodec'),
  TableGateway: Symbol('TableGateway'),
  Metrics: Symbol('Metrics'),
  GroupService: Symbol('GroupService'),
} as const

export function buildContainer(config: Readonly<Config>): DependencyContainer {
  const container = rootContainer.createChildContainer()
  const singleton = <T>(token: symbol, create: (c: DependencyContainer) => T) =>
    container.register<T>(token, { useFactory: instanceCachingFactory(create) })

  container.register(TOKENS.Config, { useValue: config })
  container.register<Clock>(TOKENS.Clock, { useValue: systemClock })
  singleton(TOKENS.DynamoDbClient, () => createDynamoDbClient(config.dynamodb))
  singleton(TOKENS.DocumentClient, (c) =>
    createDocumentClient(c.resolve<DynamoDBClient>(TOKENS.DynamoDbClient)),
  )
  singleton(TOKENS.CursorCodec, () => new CursorCodec(config.cursorSecret))
  singleton(
    TOKENS.TableGateway,
    (c) =>
      new TableGateway(
        c.resolve<DynamoDBDocumentClient>(TOKENS.DocumentClient),
        config.dynamodb.tableName,
        c.resolve<CursorCodec>(TOKENS.CursorCodec),
      ),
  )
  singleton(TOKENS.Metrics, () => new Metrics())
  singleton(
    TOKENS.GroupService,
    (c) => new GroupService(c.resolve<TableGateway>(TOKENS.TableGateway), c.resolve<Clock>(TOKENS.Clock)),
  )
  return container
}
