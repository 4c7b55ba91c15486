// Serves groups through a test model (one with a history, or an index more) in place of Group: the
// groups' declaration with another model, registered where the real service would be.
import type { DependencyContainer } from 'tsyringe'
import { servicesOf } from '../../src/container.js'
import type { Group } from '../../src/models/index.js'
import { groups } from '../../src/resources/groups.js'
import { serviceToken } from '../../src/resources/index.js'
import { ResourceService } from '../../src/services/resource-service.js'

/** A `register` for buildTestApp: the groups' service built on `model`. */
export function serveGroupsAs(model: typeof Group) {
  return (container: DependencyContainer) => {
    let service: ResourceService<Group, unknown, unknown> | undefined
    container.register(serviceToken(groups), {
      useFactory: () => {
        const { TableGateway, ChangeWriter, Clock } = servicesOf(container)
        service ??= new ResourceService({ ...groups, model }, TableGateway, ChangeWriter, Clock)
        return service
      },
    })
  }
}
