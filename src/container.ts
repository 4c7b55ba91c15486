// The one DI container, assembled at start-up. Tests call buildContainer and then register their
// own value for any token before building the app.
import 'reflect-metadata'
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { type DependencyContainer, instanceCachingFactory, container as rootContainer } from 'tsyringe'
import type { Config } from './config/config.js'
import { DEFAULT_BACKOFF } from './db/backoff.js'
import { instrumentClient } from './db/call-metrics.js'
import { ChangeWriter } from './db/change-writer.js'
import { CursorCodec } from './db/cursor.js'
import { createDocumentClient, createDynamoDbClient } from './db/dynamodb-client.js'
import { ItemCache } from './db/item-cache.js'
import { TableGateway } from './db/table-gateway.js'
import { Metrics } from './observability/metrics.js'
import { type Clock, systemClock } from './services/clock.js'
import { GroupService } from './services/group-service.js'

export const TOKENS = {
  Config: Symbol('Config'),
  Clock: Symbol('Clock'),
  Metrics: Symbol('Metrics'),
  DynamoDbClient: Symbol('DynamoDbClient'),
  DocumentClient: Symbol('DocumentClient'),
  CursorCodec: Symbol('CursorCodec'),
  ItemCache: Symbol('ItemCache'),
  TableGateway: Symbol('TableGateway'),
  ChangeWriter: Symbol('ChangeWriter'),
  GroupService: Symbol('GroupService'),
} as const

export function buildContainer(config: Readonly<Config>): DependencyContainer {
  const container = rootContainer.createChildContainer()
  const singleton = <T>(token: symbol, create: (c: DependencyContainer) => T) =>
    container.register<T>(token, { useFactory: instanceCachingFactory(create) })

  container.register(TOKENS.Config, { useValue: config })
  container.register<Clock>(TOKENS.Clock, { useValue: systemClock })
  singleton(TOKENS.Metrics, () => new Metrics())
  singleton(TOKENS.DynamoDbClient, (c) => {
    const client = createDynamoDbClient(config.dynamodb)
    instrumentClient(client, c.resolve<Metrics>(TOKENS.Metrics))
    return client
  })
  singleton(TOKENS.DocumentClient, (c) =>
    createDocumentClient(c.resolve<DynamoDBClient>(TOKENS.DynamoDbClient)),
  )
  singleton(TOKENS.CursorCodec, () => new CursorCodec(config.cursorSecret))
  singleton(TOKENS.ItemCache, (c) => new ItemCache(config.cache, c.resolve<Metrics>(TOKENS.Metrics)))
  singleton(TOKENS.TableGateway, (c) => {
    const metrics = c.resolve<Metrics>(TOKENS.Metrics)
    const { tableName } = config.dynamodb
    return new TableGateway(c.resolve<DynamoDBDocumentClient>(TOKENS.DocumentClient), {
      tableName,
      cursors: c.resolve<CursorCodec>(TOKENS.CursorCodec),
      cache: c.resolve<ItemCache>(TOKENS.ItemCache),
      batch: {
        backoff: { ...DEFAULT_BACKOFF, maxAttempts: config.dynamodb.batchMaxAttempts },
        concurrency: config.dynamodb.batchConcurrency,
        onUnprocessed: (operation, count) =>
          metrics.dynamodbUnprocessed.inc({ operation, table: tableName }, count),
      },
      softDeleteRetentionSeconds: config.dynamodb.softDeleteRetentionDays * 86_400,
    })
  })
  singleton(
    TOKENS.ChangeWriter,
    (c) =>
      new ChangeWriter(c.resolve<TableGateway>(TOKENS.TableGateway), {
        tableName: config.dynamodb.tableName,
        softDeleteRetentionSeconds: config.dynamodb.softDeleteRetentionDays * 86_400,
        backoff: { ...DEFAULT_BACKOFF, maxAttempts: config.dynamodb.batchMaxAttempts },
        concurrency: config.dynamodb.batchConcurrency,
      }),
  )
  singleton(
    TOKENS.GroupService,
    (c) =>
      new GroupService(
        c.resolve<TableGateway>(TOKENS.TableGateway),
        c.resolve<ChangeWriter>(TOKENS.ChangeWriter),
        c.resolve<Clock>(TOKENS.Clock),
      ),
  )
  return container
}
