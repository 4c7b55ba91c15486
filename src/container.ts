// The one DI container, assembled at start-up. Everything in it is reached by name through
// servicesOf(container), typed by Registrations; tests register their own value for a token
// (TOKENS.<name>) before building the app.
import 'reflect-metadata'
import { createHash } from 'node:crypto'
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { type DependencyContainer, instanceCachingFactory, container as rootContainer } from 'tsyringe'
import type { Config } from './config/config.js'
import { DEFAULT_BACKOFF } from './db/backoff.js'
import { instrumentClient } from './db/call-metrics.js'
import { ChangeWriter } from './db/change-writer.js'
import { CursorCodec } from './db/cursor.js'
import { createDataClient, createDynamoDbClient } from './db/dynamodb-client.js'
import { ItemCache } from './db/item-cache.js'
import { TableGateway } from './db/table-gateway.js'
import { UsageFlusher } from './db/usage-flusher.js'
import { Metrics } from './observability/metrics.js'
import { UsageMeter } from './observability/usage-meter.js'
import { InvalidationChannel } from './redis/invalidation-channel.js'
import { RedisLink } from './redis/redis-link.js'
import { RESOURCES, serviceToken } from './resources/index.js'
import { BlindIndex } from './security/blind-index.js'
import { FieldCipher } from './security/field-cipher.js'
import { createKmsClient, KmsKeyProvider } from './security/kms-key-provider.js'
import { LocalKeyProvider, parseMasterKeys } from './security/local-key-provider.js'
import { AuditService } from './services/audit-service.js'
import { type Clock, systemClock } from './services/clock.js'
import { IdempotencyStore } from './services/idempotency-store.js'
import type { ResourceDeps } from './services/resource-hooks.js'
import { ResourceService } from './services/resource-service.js'
import { TenantStandingCache } from './services/tenant-standing-cache.js'
import { UsageService } from './services/usage-service.js'

/** The most the last usage flush may hold up shutdown: within SHUTDOWN_TIMEOUT_MS's smallest value. */
const USAGE_CLOSE_TIMEOUT_MS = 5_000

/** What the container holds, by name. Each resource's service is reached with resourceService(). */
export interface Registrations {
  Config: Readonly<Config>
  Clock: Clock
  Metrics: Metrics
  /** Health checks and table administration. */
  DynamoDbClient: DynamoDBClient
  /** Every data call, through the gateway: see createDataClient. */
  DataClient: DynamoDBClient
  CursorCodec: CursorCodec
  ItemCache: ItemCache
  TableGateway: TableGateway
  ChangeWriter: ChangeWriter
  FieldCipher: FieldCipher
  BlindIndex: BlindIndex
  TenantStandingCache: TenantStandingCache
  AuditService: AuditService
  IdempotencyStore: IdempotencyStore
  /** The Redis the instances share (REDIS_URL); undefined without one. */
  Redis: RedisLink | undefined
  /** Writes and standing changes announced to the other instances; undefined without Redis. */
  Invalidations: InvalidationChannel | undefined
  /** Per-tenant usage counted in memory; fed only when metering is on (USAGE_FLUSH_SECONDS). */
  UsageMeter: UsageMeter
  UsageFlusher: UsageFlusher
  UsageService: UsageService
}

type Name = keyof Registrations

export const TOKENS = Object.fromEntries(
  (
    [
      'Config',
      'Clock',
      'Metrics',
      'DynamoDbClient',
      'DataClient',
      'CursorCodec',
      'ItemCache',
      'TableGateway',
      'ChangeWriter',
      'FieldCipher',
      'BlindIndex',
      'TenantStandingCache',
      'AuditService',
      'IdempotencyStore',
      'Redis',
      'Invalidations',
      'UsageMeter',
      'UsageFlusher',
      'UsageService',
    ] satisfies Name[]
  ).map((name) => [name, Symbol(name)]),
) as { readonly [K in Name]: symbol }

/** The container's registrations, typed, each resolved when first read. */
export function servicesOf(container: DependencyContainer): Readonly<Registrations> {
  const services = {} as Registrations
  for (const name of Object.keys(TOKENS) as Name[]) {
    Object.defineProperty(services, name, { get: () => container.resolve(TOKENS[name]), enumerable: true })
  }
  return services
}

export function buildContainer(config: Readonly<Config>): DependencyContainer {
  const container = rootContainer.createChildContainer()
  const services = servicesOf(container)
  const singleton = <K extends Name>(name: K, create: () => Registrations[K]) =>
    container.register(TOKENS[name], { useFactory: instanceCachingFactory(create) })
  const { dynamodb, encryption } = config
  const backoff = { ...DEFAULT_BACKOFF, maxAttempts: dynamodb.batchMaxAttempts }

  container.register(TOKENS.Config, { useValue: config })
  container.register(TOKENS.Clock, { useValue: systemClock })
  singleton('Metrics', () => new Metrics())
  singleton('UsageMeter', () => new UsageMeter())
  const metering = config.usage.flushIntervalMs > 0
  const instrumented = (client: DynamoDBClient) => {
    instrumentClient(client, services.Metrics, metering ? services.UsageMeter : undefined)
    return client
  }
  singleton('DynamoDbClient', () => instrumented(createDynamoDbClient(dynamodb)))
  singleton('DataClient', () => instrumented(createDataClient(dynamodb, services.DynamoDbClient)))
  singleton('CursorCodec', () => new CursorCodec(config.cursorSecret))
  singleton('ItemCache', () => new ItemCache(config.cache, services.Metrics))
  singleton('TableGateway', () => {
    const { tableName } = dynamodb
    const invalidations = services.Invalidations
    return new TableGateway(services.DataClient, {
      tableName,
      cursors: services.CursorCodec,
      cache: services.ItemCache,
      batch: {
        backoff,
        concurrency: dynamodb.batchConcurrency,
        onUnprocessed: (operation, count) =>
          services.Metrics.dynamodbUnprocessed.inc({ operation, table: tableName }, count),
      },
      ...(invalidations && { onWritten: invalidations.publishItems.bind(invalidations) }),
    })
  })
  singleton(
    'ChangeWriter',
    () =>
      new ChangeWriter(services.TableGateway, {
        tableName: dynamodb.tableName,
        softDeleteRetentionSeconds: dynamodb.softDeleteRetentionDays * 86_400,
        backoff,
        concurrency: dynamodb.batchConcurrency,
      }),
  )
  // Each resolved when a hook first reads it.
  const deps: ResourceDeps = {
    get gateway() {
      return services.TableGateway
    },
    get cipher() {
      return services.FieldCipher
    },
    get blindIndex() {
      return services.BlindIndex
    },
    get standings() {
      return services.TenantStandingCache
    },
  }
  for (const resource of RESOURCES) {
    container.register(serviceToken(resource), {
      useFactory: instanceCachingFactory(
        () =>
          new ResourceService(resource, services.TableGateway, services.ChangeWriter, services.Clock, deps),
      ),
    })
  }

  singleton('FieldCipher', () => {
    const provider = encryption.kmsKeyId
      ? new KmsKeyProvider(createKmsClient(dynamodb.region), encryption.kmsKeyId, dynamodb.region)
      : new LocalKeyProvider(parseMasterKeys(encryption.localMasterKeys), encryption.localMasterKeyId)
    return new FieldCipher(provider, {
      maxUses: encryption.dataKeyMaxUses,
      maxAgeMs: encryption.dataKeyMaxAgeMs,
      maxCachedKeys: 1_000,
    })
  })
  singleton(
    'BlindIndex',
    () => new BlindIndex(createHash('sha256').update(encryption.blindIndexKey).digest()),
  )
  singleton(
    'TenantStandingCache',
    () =>
      new TenantStandingCache(services.TableGateway, {
        ttlMs: config.tenantCacheTtlMs,
        onForget: (tenantId) => services.Invalidations?.publishStanding(tenantId),
      }),
  )
  singleton('AuditService', () => new AuditService(services.TableGateway))
  singleton(
    'IdempotencyStore',
    () =>
      new IdempotencyStore(
        services.TableGateway,
        services.FieldCipher,
        // The lock lasts as long as a request may: after it, the next retry takes the key over.
        { retentionSeconds: config.idempotencyTtlSeconds, lockMs: config.http.requestTimeoutMs || 120_000 },
        services.Clock,
      ),
  )
  singleton('Redis', () =>
    config.redisUrl === undefined ? undefined : new RedisLink(config.redisUrl, services.Metrics),
  )
  singleton('Invalidations', () => {
    const link = services.Redis
    if (!link) return undefined
    return new InvalidationChannel(link, `tessera:${dynamodb.tableName}:invalidations`, {
      items: (tenantId, keys) => {
        for (const { pk, sk } of keys) services.ItemCache.invalidate(tenantId, pk, sk)
      },
      tenant: (tenantId) => services.TenantStandingCache.forgetHere(tenantId),
      resync: () => {
        services.ItemCache.clear()
        services.TenantStandingCache.clear()
      },
    })
  })
  singleton(
    'UsageFlusher',
    () =>
      // On the client whose calls take an abort signal; its flushes are tagged for no tenant.
      new UsageFlusher(services.UsageMeter, services.DynamoDbClient, {
        tableName: dynamodb.tableName,
        intervalMs: config.usage.flushIntervalMs,
        retentionSeconds: config.usage.retentionDays * 86_400,
        closeTimeoutMs: USAGE_CLOSE_TIMEOUT_MS,
        concurrency: dynamodb.batchConcurrency,
        now: () => services.Clock(),
      }),
  )
  singleton('UsageService', () => new UsageService(services.DataClient, dynamodb.tableName))
  return container
}
