import { createRequire } from 'node:module'
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3'
import type { Config } from '../../config/config.js'

const require = createRequire(import.meta.url)

/**
 * The S3 SDK, loaded when an S3 location is first used: a backup to a folder does not carry it
 * (about 10 MB of RSS). Both packages are CommonJS, so this is the instance `import` would give.
 */
export function s3Sdk() {
  return {
    s3: require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3'),
    storage: require('@aws-sdk/lib-storage') as typeof import('@aws-sdk/lib-storage'),
  }
}

/**
 * The S3 client of a backup script, from S3_ENDPOINT, S3_REGION and S3_FORCE_PATH_STYLE; the
 * credentials are the SDK's own chain unless `overrides` gives others.
 */
export function createS3Client(settings: Config['s3'], overrides: S3ClientConfig = {}): S3Client {
  return new (s3Sdk().s3.S3Client)({
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    ...(settings.endpoint
      ? {
          endpoint: settings.endpoint,
          // S3-compatible servers often predate the SDK's default CRC checksums on every request;
          // the parts carry their own sha256 in the manifest, which restore checks.
          requestChecksumCalculation: 'WHEN_REQUIRED' as const,
          responseChecksumValidation: 'WHEN_REQUIRED' as const,
        }
      : {}),
    ...overrides,
  })
}
