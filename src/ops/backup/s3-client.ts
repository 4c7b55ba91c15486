import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3'
import type { Config } from '../../config/config.js'

/**
 * The S3 client of a backup script, from S3_ENDPOINT, S3_REGION and S3_FORCE_PATH_STYLE; the
 * credentials are the SDK's own chain unless `overrides` gives others.
 */
export function createS3Client(settings: Config['s3'], overrides: S3ClientConfig = {}): S3Client {
  return new S3Client({
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
