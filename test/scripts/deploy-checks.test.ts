import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { checkTenantKeys, TENANT_LEADING_KEY } from '../../scripts/deploy-checks/iam.js'
import { checkDeploy, metricNamesIn } from '../../scripts/deploy-checks/index.js'
import { projectRoot } from '../../scripts/dynamodb-local.js'
import { type IndexDefinitions, type ModelClass, TenantModel } from '../../src/models/index.js'

const COPIED = [
  'docker-compose.yml',
  'Dockerfile',
  '.dockerignore',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'deploy',
  'src',
  'scripts',
]

/** The problems found in a copy of the project where `edit` changed one file. */
async function problemsAfter(t: Test, path: string, edit: (text: string) => string): Promise<string[]> {
  const root = await mkdtemp(join(tmpdir(), 'tessera-deploy-'))
  t.teardown(() => rm(root, { recursive: true, force: true }))
  for (const entry of COPIED) await cp(join(projectRoot, entry), join(root, entry), { recursive: true })
  const original = await readFile(join(root, path), 'utf8')
  const edited = edit(original)
  t.not(edited, original, `the edit changed ${path}`)
  await writeFile(join(root, path), edited)
  return checkDeploy(root)
}

// biome-ignore lint/suspicious/noExplicitAny: each case reaches into a different JSON document
const json = (edit: (value: any) => void) => (text: string) => {
  const value = JSON.parse(text)
  edit(value)
  return JSON.stringify(value, null, 2)
}

t.test('the committed deployment files pass every check', async (t) => {
  t.strictSame(await checkDeploy(projectRoot), [])
})

t.test('metric names are read out of PromQL', async (t) => {
  t.strictSame(
    metricNamesIn(
      'histogram_quantile(0.95, sum by (le, route) (rate(http_request_duration_seconds_bucket{status_class="5xx"}[$__rate_interval])))',
    ),
    ['http_request_duration_seconds_bucket'],
  )
  t.strictSame(
    metricNamesIn('sum(rate(cache_hits_total[5m])) / (sum(rate(cache_misses_total[5m])) + 1e-9)'),
    ['cache_hits_total', 'cache_misses_total'],
  )
  t.strictSame(metricNamesIn('max(nodejs_eventloop_lag_p99_seconds) or vector(0)'), [
    'nodejs_eventloop_lag_p99_seconds',
  ])
})

const cases: [string, string, (text: string) => string, RegExp][] = [
  [
    'a dashboard query with a misspelt metric',
    'deploy/grafana/dashboards/tessera.json',
    (text) => text.replaceAll('cache_hits_total', 'cache_hit_total'),
    /cache_hit_total is no metric tessera exports/,
  ],
  [
    'a required metric missing from the dashboard',
    'deploy/grafana/dashboards/tessera.json',
    (text) => text.replaceAll('dynamodb_consumed_capacity_units_total', 'dynamodb_retries_total'),
    /nothing shows dynamodb_consumed_capacity_units_total/,
  ],
  [
    'a dashboard whose datasource is not provisioned',
    'deploy/grafana/provisioning/datasources/prometheus.yml',
    (text) => text.replace('uid: prometheus', 'uid: other'),
    /datasource prometheus is not provisioned/,
  ],
  [
    'a dashboard provider path that is not mounted',
    'deploy/grafana/provisioning/dashboards/tessera.yml',
    (text) => text.replaceAll('/var/lib/grafana/dashboards', '/dashboards'),
    /\/dashboards is not mounted into grafana/,
  ],
  [
    'a Prometheus target that is no service',
    'deploy/prometheus/prometheus.yml',
    (text) => text.replace('tessera:9464', 'api:9464'),
    /target api:9464 is no docker-compose.yml service/,
  ],
  [
    'a Prometheus target on the wrong port',
    'deploy/prometheus/prometheus.yml',
    (text) => text.replace('tessera:9464', 'tessera:8080'),
    /target tessera:8080, but tessera serves \/metrics on 9464/,
  ],
  [
    'Prometheus scraping the API port while tessera has an operations port',
    'deploy/prometheus/prometheus.yml',
    (text) => text.replace('tessera:9464', 'tessera:3000'),
    /target tessera:3000, but tessera serves \/metrics on 9464/,
  ],
  [
    'a compose mount of a missing file',
    'docker-compose.yml',
    (text) => text.replace('./deploy/prometheus/prometheus.yml', './deploy/prometheus/missing.yml'),
    /mounts deploy\/prometheus\/missing.yml, which does not exist/,
  ],
  [
    'a compose command running a script that does not exist',
    'docker-compose.yml',
    (text) => text.replace('dist/scripts/table-create.js', 'dist/scripts/table-make.js'),
    /scripts\/table-make.ts does not exist/,
  ],
  [
    'a misspelt setting in compose',
    'docker-compose.yml',
    (text) => text.replace('LOG_LEVEL: info', 'LOGLEVEL: info'),
    /LOGLEVEL is not a tessera setting/,
  ],
  [
    'a compose environment the configuration refuses',
    'docker-compose.yml',
    (text) => text.replace(/ {2}JWT_SECRET: .*\n/, ''),
    /JWT_SECRET: production needs/,
  ],
  [
    'a compose REDIS_URL naming no service',
    'docker-compose.yml',
    (text) => text.replace('redis://valkey:6379', 'redis://redis:6379'),
    /REDIS_URL names redis, which is no service/,
  ],
  [
    'a task reaching Redis without TLS',
    'deploy/ecs/task-definition.json',
    (text) => text.replace('rediss://', 'redis://'),
    /REDIS_URL is not TLS/,
  ],
  [
    'a shutdown budget that ECS would cut short',
    'deploy/ecs/task-definition.json',
    json((task) => {
      task.containerDefinitions[0].stopTimeout = 20
    }),
    /SHUTDOWN_TIMEOUT_MS 25000 is not below stopTimeout 20 s/,
  ],
  [
    'a secret taken from plain environment instead of SSM or Secrets Manager',
    'deploy/ecs/task-definition.json',
    json((task) => {
      task.containerDefinitions[0].secrets[0].valueFrom = 'my-secret'
    }),
    /JWT_SECRET is not read from SSM or Secrets Manager/,
  ],
  [
    'a task without an operations port, so the ALB would forward /metrics',
    'deploy/ecs/task-definition.json',
    (text) => text.replace(/ *\{ "name": "OPS_PORT", "value": "9464" \},\n/, ''),
    /no OPS_PORT, so \/metrics is served on the port the load balancer forwards/,
  ],
  [
    'an operations port the task does not map',
    'deploy/ecs/task-definition.json',
    json((task) => {
      task.containerDefinitions[0].portMappings.pop()
    }),
    /OPS_PORT 9464 is not in portMappings/,
  ],
  [
    'a task without a memory limit for load shedding',
    'deploy/ecs/task-definition.json',
    (text) => text.replace(/ *\{ "name": "MEMORY_LIMIT_BYTES", "value": "\d+" \},\n/, ''),
    /no MEMORY_LIMIT_BYTES/,
  ],
  [
    'a memory limit above the task size',
    'deploy/ecs/task-definition.json',
    json((task) => {
      task.memory = '512'
    }),
    /MEMORY_LIMIT_BYTES 1073741824 is above the task's memory \(512 MiB\)/,
  ],
  [
    'blocking awslogs',
    'deploy/ecs/task-definition.json',
    json((task) => {
      delete task.containerDefinitions[0].logConfiguration.options.mode
    }),
    /awslogs is not in non-blocking mode/,
  ],
  [
    'an ECS health check that is not the image script',
    'deploy/ecs/task-definition.json',
    json((task) => {
      task.containerDefinitions[0].healthCheck.command = ['CMD-SHELL', 'curl -f localhost:3000/ || exit 1']
    }),
    /the health check does not run the image's health-check script/,
  ],
  [
    'a target group checking liveness instead of readiness',
    'deploy/ecs/load-balancer.template.json',
    (text) => text.replace('"HealthCheckPath": "/health/ready"', '"HealthCheckPath": "/health/live"'),
    /the health check is not \/health\/ready/,
  ],
  [
    'a deregistration delay longer than the shutdown budget',
    'deploy/ecs/load-balancer.template.json',
    (text) => text.replace('"Value": "20"', '"Value": "30"'),
    /deregistration delay 30 s is not below SHUTDOWN_TIMEOUT_MS/,
  ],
  [
    'an ALB idle timeout above the keep-alive',
    'deploy/ecs/load-balancer.template.json',
    (text) =>
      text.replace(
        '"idle_timeout.timeout_seconds", "Value": "60"',
        '"idle_timeout.timeout_seconds", "Value": "70"',
      ),
    /ALB idle timeout 70 s is not below HTTP_KEEP_ALIVE_TIMEOUT_MS/,
  ],
  [
    'a service that stops old tasks before their replacements serve',
    'deploy/ecs/service.json',
    json((service) => {
      service.deploymentConfiguration.minimumHealthyPercent = 50
    }),
    /minimumHealthyPercent 50: a deploy would stop tasks before their replacements serve/,
  ],
  [
    'a service with no room to start a replacement first',
    'deploy/ecs/service.json',
    json((service) => {
      service.deploymentConfiguration.maximumPercent = 100
    }),
    /maximumPercent 100 leaves no room to start a replacement first/,
  ],
  [
    'a health-check grace shorter than a new task takes to turn healthy',
    'deploy/ecs/service.json',
    json((service) => {
      service.healthCheckGracePeriodSeconds = 10
    }),
    /healthCheckGracePeriodSeconds 10 is below the 20 s a new task needs to turn healthy/,
  ],
  [
    'a service sending the load balancer to another port',
    'deploy/ecs/service.json',
    json((service) => {
      service.loadBalancers[0].containerPort = 9464
    }),
    /the load balancer sends to port 9464, the server listens on 3000/,
  ],
  [
    'a task role that cannot read the configuration path',
    'deploy/iam/task-role-policy.json',
    json((policy) => {
      policy.Statement = policy.Statement.filter(
        (s: { Sid: string }) => s.Sid !== 'ReadConfigurationParameters',
      )
    }),
    /nothing allows ssm:GetParametersByPath on arn:aws:ssm:us-east-1:111122223333:parameter\/acme\/production\/tessera/,
  ],
  [
    'a task reading another path than its role allows',
    'deploy/ecs/task-definition.json',
    (text) =>
      text.replace(
        '{ "name": "ENVIRONMENT", "value": "production" }',
        '{ "name": "ENVIRONMENT", "value": "staging" }',
      ),
    /nothing allows ssm:GetParametersByPath on arn:aws:ssm:us-east-1:111122223333:parameter\/acme\/staging\/tessera/,
  ],
  [
    'a task role that cannot decrypt SecureStrings',
    'deploy/iam/task-role-policy.json',
    json((policy) => {
      policy.Statement = policy.Statement.filter(
        (s: { Sid: string }) => s.Sid !== 'DecryptConfigurationParameters',
      )
    }),
    /nothing allows kms:Decrypt through ssm.us-east-1.amazonaws.com/,
  ],
  [
    'an unfilled template in the configuration path',
    'deploy/ecs/task-definition.json',
    (text) => text.replace('/{{ORGANIZATION_NAME}}/{{ENVIRONMENT}}/tessera/', '/{{ORGANISATION}}/tessera/'),
    /CONFIG_SSM_PATH: \{\{ORGANISATION\}\} is not filled in/,
  ],
  [
    'a tenant policy whose LeadingKeys may be absent',
    'deploy/iam/tenant-task-role-policy.json',
    json((policy) => {
      delete policy.Statement[0].Condition.Null
    }),
    /OwnTenantItemsOnly: LeadingKeys is not required/,
  ],
  [
    'a tenant policy that allows Scan',
    'deploy/iam/tenant-task-role-policy.json',
    json((policy) => {
      policy.Statement[0].Action.push('dynamodb:Scan')
    }),
    /dynamodb:Scan cannot be confined to a tenant/,
  ],
  [
    'a tenant policy with another leading key',
    'deploy/iam/tenant-task-role-policy.json',
    (text) => text.replace(TENANT_LEADING_KEY, 'tenant#*'),
    /LeadingKeys tenant#\* is neither the tenant's nor the probe's/,
  ],
  [
    'an image that runs as root',
    'Dockerfile',
    (text) => text.replace('USER node\n', ''),
    /the runtime stage runs as root/,
  ],
  [
    'a shell-form CMD',
    'Dockerfile',
    (text) => text.replace('CMD ["node", "dist/src/server.js"]', 'CMD node dist/src/server.js'),
    /CMD in shell form/,
  ],
  [
    'an image on another Node version',
    'Dockerfile',
    (text) => text.replace('node:22-bookworm-slim', 'node:18-bookworm-slim'),
    /not Node 22/,
  ],
  [
    'a build context that leaves out what the Dockerfile copies',
    '.dockerignore',
    (text) => text.replace('!scripts\n', ''),
    /COPY scripts, which .dockerignore leaves out/,
  ],
]

for (const [label, path, edit, expected] of cases) {
  t.test(`found: ${label}`, async (t) => {
    const problems = await problemsAfter(t, path, edit)
    t.ok(
      problems.some((problem) => expected.test(problem)),
      `${expected} in ${JSON.stringify(problems)}`,
    )
  })
}

class Leaky extends TenantModel {
  static readonly modelVersion = 1
  static readonly fields = [] as const
  static readonly indexes = {
    primary: { pk: (m) => `tenant#${m.tenantId}#leaky#${m.id}`, sk: () => 'leaky' },
    gsi1: { pk: () => 'leaky#all', sk: (m) => `leaky#${m.id}` },
  } satisfies IndexDefinitions<Leaky>
}

class PlatformListed extends TenantModel {
  static readonly modelVersion = 1
  static readonly fields = [] as const
  static readonly indexes = {
    primary: { pk: (m) => `tenant#${m.tenantId}#listed`, sk: () => 'listed' },
    gsi1: { pk: () => 'platform#listed', sk: (m) => `listed#${m.id}` },
  } satisfies IndexDefinitions<PlatformListed>
}

t.test('platform data (platform#…) is allowed outside every tenant', async (t) => {
  const problems: string[] = []
  checkTenantKeys(problems, [PlatformListed as unknown as ModelClass])
  t.strictSame(problems, [])
})

t.test('an index partition key outside the tenant prefix is found', async (t) => {
  const problems: string[] = []
  checkTenantKeys(problems, [Leaky as unknown as ModelClass])
  t.equal(problems.length, 1)
  t.match(
    problems[0],
    /Leaky\.gsi1 \(gsi1_pk\) starts with neither tenant#<tenantId># nor platform#: leaky#all/,
  )
  const registered: string[] = []
  checkTenantKeys(registered)
  t.strictSame(registered, [], 'the registered models are fine')
})
