import t from 'tap'
import { group, listedGroup } from '../../../../src/http/routes/groups/responses.js'
import { GROUP_RESPONSE_FIELDS } from '../../../../src/http/routes/groups/schemas.js'

t.test('the documented group has exactly the fields the presenter shows', async (t) => {
  t.same(Object.keys(group.shape), [...GROUP_RESPONSE_FIELDS])
  t.same(Object.keys(listedGroup.shape), [...GROUP_RESPONSE_FIELDS])
  t.ok(listedGroup.safeParse({ id: 'x' }).success, 'a listed group may be a projection')
  t.notOk(group.safeParse({ id: 'x' }).success)
})
