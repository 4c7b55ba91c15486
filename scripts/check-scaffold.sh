#!/usr/bin/env bash
# CI (.ci/run): a resource added by `npm run new:resource` works with no hand edits. In a temporary
# copy of the repository (its files as they are, committed or not, without what git ignores; the
# node_modules and DynamoDB Local download are shared by symlink), it adds `widget`, then runs the
# lint, the table template and deployment checks, the OpenAPI check, the widget's own tests and
# the matrices that iterate over the resource list. Any failure fails CI.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

copy="$(mktemp -d "${TMPDIR:-/tmp}/tessera-scaffold.XXXXXX")"
trap 'rm -rf "$copy"' EXIT
git -C "$root" ls-files -z --cached --others --exclude-standard |
  (cd "$root" && tar --null --files-from=- --ignore-failed-read -cf - 2>/dev/null) |
  tar -xf - -C "$copy"
ln -s "$root/node_modules" "$copy/node_modules"
mkdir -p "$root/.cache"
ln -s "$root/.cache" "$copy/.cache"
cd "$copy"

started=$SECONDS
echo "scaffold check: npm run new:resource -- widget (in $copy)"
npm run --silent new:resource -- widget

npm run --silent lint
npm run --silent table:template -- --check
npm run --silent check:deploy
npm run --silent openapi:check

# The new resource's tests, the matrices over RESOURCES, and the tests that go over every route;
# tap's output is kept for when something fails.
if ! npm test -- \
  test/resources/widgets.test.ts \
  test/resources/all-models.test.ts \
  test/resources/cross-tenant.test.ts \
  test/resources/bad-input.test.ts \
  test/http/cross-tenant.test.ts \
  test/http/bad-input-all-routes.test.ts \
  test/http/plugins/app/request-body.test.ts \
  test/http/routes/docs/index.test.ts \
  test/scripts/table-template.test.ts \
  test/scripts/deploy-checks.test.ts >tap.log 2>&1; then
  grep -n -B 3 -A 25 'not ok' tap.log | head -n 400
  tail -n 1 tap.log
  echo "scaffold check: FAILED"
  exit 1
fi
echo "scaffold check: widgets added and checked; its tests and the matrices: $(tail -n 1 tap.log) ($((SECONDS - started)) s)"
