// `npm run check:deploy` (and .ci/run): validates what can be validated without a Docker engine or
// an AWS account — see scripts/deploy-checks/. promtool checks the Prometheus file separately.
import { checkDeploy } from './deploy-checks/index.js'
import { projectRoot } from './dynamodb-local.js'

const problems = await checkDeploy(projectRoot)
for (const problem of problems) console.error(`✗ ${problem}`)
if (problems.length > 0) process.exit(1)
console.log('deployment files: every check passed')
