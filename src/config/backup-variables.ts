// Backups to S3 (`npm run backup -- --to s3://bucket/prefix`, and restore from there). Credentials
// come from the AWS SDK's own chain (`AWS_*` variables, a task role); these say where S3 is.
import { z } from 'zod'
import { booleanFlag, httpUrl } from './env-values.js'

export const backupVariables = {
  S3_ENDPOINT: httpUrl.optional().meta({
    description: 'an S3-compatible endpoint for backups (MinIO, a local server); unset means AWS S3',
  }),
  S3_REGION: z.string().min(1).optional().meta({
    description: 'region of the backup bucket',
    defaultText: '`AWS_REGION`',
  }),
  S3_FORCE_PATH_STYLE: booleanFlag.default(false).meta({
    description:
      'address buckets as `endpoint/bucket` instead of `bucket.endpoint` (most S3-compatible servers)',
  }),
}
