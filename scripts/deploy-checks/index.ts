import { checkCompose } from './compose.js'
import { checkDockerfile } from './dockerfile.js'
import { checkEcs } from './ecs.js'
import type { Problems } from './files.js'
import { checkPolicies } from './iam.js'
import { checkGrafana, checkPrometheus } from './monitoring.js'

export { metricNamesIn } from './monitoring.js'

/** Every problem found in the container and deployment files under `root`; none means all is well. */
export async function checkDeploy(root: string): Promise<Problems> {
  const problems: Problems = []
  const compose = await checkCompose(root, problems)
  if (compose) {
    await checkPrometheus(root, compose, problems)
    await checkGrafana(root, compose, problems)
  }
  const entryPoints = await checkDockerfile(root, problems)
  await checkEcs(root, entryPoints, problems)
  await checkPolicies(root, problems)
  return problems
}
