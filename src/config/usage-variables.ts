// Per-tenant usage metering: how often the counts kept in memory are added to the table, and how
// long the table keeps them.
import { integer } from './env-values.js'

export const usageVariables = {
  USAGE_FLUSH_SECONDS: integer(0, 3_600).default(60).meta({
    description:
      'how often each instance adds the usage it counted to the table (and once more at shutdown); 0 turns metering off',
  }),
  USAGE_RETENTION_DAYS: integer(1, 3_650).default(400).meta({
    description:
      "usage items are kept this long after their hour (DynamoDB's TTL on `expires_at` then removes them)",
  }),
}
