// The one DI container, assembled at start-up. Tests call buildContainer and then register their
// own value for any token before building the app.
import 'reflect-metadata'
import { createHash } from 'node:crypto'
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { KMSClient } from '@aws-sdk/client-kms'
import { type DependencyContainer, instanceCachingFactory, container as rootContainer } from 'tsyringe'
import type { Config } from './config/config.js'
import { DEFAULT_BACKOFF } from './db/backoff.js'
import { instrumentClient } from './db/call-metrics.js'
import { ChangeWriter } from './db/change-writer.js'
import { CursorCodec } from './db/cursor.js'
import { createDataClient, createDynamoDbClient } from './db/dynamodb-client.js'
import { ItemCache } from './db/item-cache.js'
import { TableGateway } from './db/table-gateway.js'
import { Metrics } from './observability/metrics.js'
import { RESOURCES, serviceToken } from './resources/index.js'
import { BlindIndex } from './security/blind-index.js'
import { FieldCipher } from './security/field-cipher.js'
import { KmsKeyProvider } from './security/kms-key-provider.js'
import { LocalKeyProvider, parseMasterKeys } from './security/local-key-provider.js'
import { AuditService } from './services/audit-service.js'
import { type Clock, systemClock } from './services/clock.js'
import { IdempotencyStore } from './services/idempotency-store.js'
import { ResourceService } from './services/resource-service.js'
import { TenantService } from './services/tenant-service.js'
import { TenantStandingCache } from './services/tenant-standing-cache.js'
import { UserService } from './services/user-service.js'

export const TOKENS = {
  Config: Symbol('Config'),
  Clock: Symbol('Clock'),
  Metrics: Symbol('Metrics'),
  /** Health checks and table administration. */
  DynamoDbClient: Symbol('DynamoDbClient'),
  /** Every data call, through the gateway: see createDataClient. */
  DataClient: Symbol('DataClient'),
  CursorCodec: Symbol('CursorCodec'),
  ItemCache: Symbol('ItemCache'),
  TableGateway: Symbol('TableGateway'),
  ChangeWriter: Symbol('ChangeWriter'),
  FieldCipher: Symbol('FieldCipher'),
  BlindIndex: Symbol('BlindIndex'),
  TenantStandingCache: Symbol('TenantStandingCache'),
  TenantService: Symbol('TenantService'),
  UserService: Symbol('UserService'),
  AuditService: Symbol('AuditService'),
  IdempotencyStore: Symbol('IdempotencyStore'),
} as const

export function buildContainer(config: Readonly<Config>): DependencyContainer {
  const container = rootContainer.createChildContainer()
  const singleton = <T>(token: symbol | string, create: (c: DependencyContainer) => T) =>
    container.register<T>(token, { useFactory: instanceCachingFactory(create) })

  container.register(TOKENS.Config, { useValue: config })
  container.register<Clock>(TOKENS.Clock, { useValue: systemClock })
  singleton(TOKENS.Metrics, () => new Metrics())
  singleton(TOKENS.DynamoDbClient, (c) => {
    const client = createDynamoDbClient(config.dynamodb)
    instrumentClient(client, c.resolve<Metrics>(TOKENS.Metrics))
    return client
  })
  singleton(TOKENS.DataClient, (c) => {
    const client = createDataClient(config.dynamodb, c.resolve<DynamoDBClient>(TOKENS.DynamoDbClient))
    instrumentClient(client, c.resolve<Metrics>(TOKENS.Metrics))
    return client
  })
  singleton(TOKENS.CursorCodec, () => new CursorCodec(config.cursorSecret))
  singleton(TOKENS.ItemCache, (c) => new ItemCache(config.cache, c.resolve<Metrics>(TOKENS.Metrics)))
  singleton(TOKENS.TableGateway, (c) => {
    const metrics = c.resolve<Metrics>(TOKENS.Metrics)
    const { tableName } = config.dynamodb
    return new TableGateway(c.resolve<DynamoDBClient>(TOKENS.DataClient), {
      tableName,
      cursors: c.resolve<CursorCodec>(TOKENS.CursorCodec),
      cache: c.resolve<ItemCache>(TOKENS.ItemCache),
      batch: {
        backoff: { ...DEFAULT_BACKOFF, maxAttempts: config.dynamodb.batchMaxAttempts },
        concurrency: config.dynamodb.batchConcurrency,
        onUnprocessed: (operation, count) =>
          metrics.dynamodbUnprocessed.inc({ operation, table: tableName }, count),
      },
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
  for (const resource of RESOURCES) {
    singleton(
      serviceToken(resource),
      (c) =>
        new ResourceService(
          resource,
          c.resolve<TableGateway>(TOKENS.TableGateway),
          c.resolve<ChangeWriter>(TOKENS.ChangeWriter),
          c.resolve<Clock>(TOKENS.Clock),
        ),
    )
  }
  registerTenancy(container, config)
  return container
}

/** Tenants, users, the audit log and what they need: encryption, the blind index, idempotency. */
function registerTenancy(container: DependencyContainer, config: Readonly<Config>): void {
  const singleton = <T>(token: symbol, create: (c: DependencyContainer) => T) =>
    container.register<T>(token, { useFactory: instanceCachingFactory(create) })
  const gateway = (c: DependencyContainer) => c.resolve<TableGateway>(TOKENS.TableGateway)
  const changes = (c: DependencyContainer) => c.resolve<ChangeWriter>(TOKENS.ChangeWriter)
  const clock = (c: DependencyContainer) => c.resolve<Clock>(TOKENS.Clock)
  const { encryption } = config

  singleton(TOKENS.FieldCipher, () => {
    const provider = encryption.kmsKeyId
      ? new KmsKeyProvider(new KMSClient({ region: config.dynamodb.region }), encryption.kmsKeyId)
      : new LocalKeyProvider(parseMasterKeys(encryption.localMasterKeys), encryption.localMasterKeyId)
    return new FieldCipher(provider, {
      maxUses: encryption.dataKeyMaxUses,
      maxAgeMs: encryption.dataKeyMaxAgeMs,
      maxCachedKeys: 1_000,
    })
  })
  singleton(
    TOKENS.BlindIndex,
    () => new BlindIndex(createHash('sha256').update(encryption.blindIndexKey).digest()),
  )
  singleton(TOKENS.TenantStandingCache, (c) => new TenantStandingCache(gateway(c), config.tenantCacheTtlMs))
  singleton(
    TOKENS.TenantService,
    (c) =>
      new TenantService(
        gateway(c),
        changes(c),
        c.resolve<TenantStandingCache>(TOKENS.TenantStandingCache),
        clock(c),
      ),
  )
  singleton(
    TOKENS.UserService,
    (c) =>
      new UserService(
        gateway(c),
        changes(c),
        c.resolve<FieldCipher>(TOKENS.FieldCipher),
        c.resolve<BlindIndex>(TOKENS.BlindIndex),
        clock(c),
      ),
  )
  singleton(TOKENS.AuditService, (c) => new AuditService(gateway(c)))
  singleton(
    TOKENS.IdempotencyStore,
    (c) =>
      new IdempotencyStore(
        gateway(c),
        c.resolve<FieldCipher>(TOKENS.FieldCipher),
        // A request still unanswered after the server's request timeout has failed; its key is free.
        { retentionSeconds: config.idempotencyTtlSeconds, lockMs: config.http.requestTimeoutMs || 120_000 },
        clock(c),
      ),
  )
}
