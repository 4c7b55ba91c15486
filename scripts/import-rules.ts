// What `npm run lint` checks about imports inside src/ (see check-imports.ts): no file reaches
// itself again through its imports (no cycles), and data flows down the layers of docs/design.md, never
// back up. Type-only imports count too: a cycle of types is still two files that cannot be read
// apart.
import { readdir, readFile } from 'node:fs/promises'
import { join, posix, sep } from 'node:path'
import ts from 'typescript'

/**
 * The layers a folder of src/ may import from, besides its own. Files directly in src/ (the app,
 * the container, the server) may import anything.
 */
export const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  // The data-lifecycle scripts' code (migrate, backup, restore, import): it reads the resources'
  // declarations to know every model, and works on the table below them.
  ops: ['resources', 'services', 'db', 'security', 'models', 'observability', 'cache', 'config', 'errors'],
  // A resource's declaration puts its parts together (model, schemas, routes, service, lists); only
  // the app and the container read the declarations.
  resources: ['http', 'services', 'db', 'security', 'models', 'observability', 'cache', 'config', 'errors'],
  http: ['services', 'security', 'models', 'observability', 'cache', 'config', 'errors'],
  services: ['db', 'security', 'models', 'observability', 'cache', 'config', 'errors'],
  // Tokens and field encryption: below the services that use them, above the models they read.
  security: ['models', 'cache', 'config', 'errors'],
  // The table gateway stores and reads models (toItem, fromItem), which do no I/O themselves.
  db: ['models', 'observability', 'cache', 'config', 'errors'],
  observability: ['models', 'cache', 'config', 'errors'],
  // The Redis the instances share: its connection, the rate-limit store, the invalidation channel.
  redis: ['observability'],
  models: ['errors'],
  config: ['errors'],
  cache: [],
  errors: [],
}

const ROOT = '.'

/** Every problem with the imports of the TypeScript files under `srcDir`, as lines to print. */
export async function importProblems(srcDir: string): Promise<string[]> {
  const graph = await importGraph(srcDir)
  return [...layerProblems(graph), ...cycles(graph).map((cycle) => `import cycle: ${cycle.join(' → ')}`)]
}

/** File → the files it imports, as paths relative to `srcDir` with forward slashes. */
export async function importGraph(srcDir: string): Promise<Map<string, string[]>> {
  const files = (await readdir(srcDir, { recursive: true }))
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => file.split(sep).join('/'))
    .sort()
  const known = new Set(files)
  const graph = new Map<string, string[]>()
  for (const file of files) {
    const text = await readFile(join(srcDir, file), 'utf8')
    const { importedFiles } = ts.preProcessFile(text, true, true)
    const targets = importedFiles
      .map(({ fileName }) => fileName)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => resolve(file, specifier, known))
    graph.set(file, [...new Set(targets)])
  }
  return graph
}

function resolve(from: string, specifier: string, known: ReadonlySet<string>): string {
  const path = posix.normalize(posix.join(posix.dirname(from), specifier))
  const candidates = [path.replace(/\.js$/, '.ts'), `${path}.ts`, `${path}/index.ts`]
  return candidates.find((candidate) => known.has(candidate)) ?? path
}

function layerOf(file: string): string {
  return file.includes('/') ? (file.split('/')[0] as string) : ROOT
}

function layerProblems(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const problems: string[] = []
  for (const [file, targets] of graph) {
    const layer = layerOf(file)
    if (layer === ROOT) continue
    const allowed = MAY_IMPORT[layer]
    if (!allowed) {
      problems.push(
        `${file}: src/${layer} is no known layer (add it to MAY_IMPORT in scripts/import-rules.ts)`,
      )
      continue
    }
    for (const target of targets) {
      const targetLayer = layerOf(target)
      if (targetLayer === layer || allowed.includes(targetLayer)) continue
      problems.push(
        `${file} imports ${target}: ${layer} may not import from ${targetLayer === ROOT ? 'src/' : targetLayer}`,
      )
    }
  }
  return problems
}

/** Each cycle once, as the files along it from its first file (in sorted order) back to that file. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const found: string[][] = []
  for (const component of stronglyConnected(graph)) {
    const first = [...component].sort()[0] as string
    if (component.size === 1 && !graph.get(first)?.includes(first)) continue
    found.push(pathBack(graph, first, component))
  }
  return found
}

/** A shortest way from `start` back to itself inside one strongly connected component. */
function pathBack(graph: ReadonlyMap<string, readonly string[]>, start: string, within: ReadonlySet<string>) {
  const previous = new Map<string, string>()
  const queue = [start]
  for (let i = 0; i < queue.length; i++) {
    const file = queue[i] as string
    for (const target of graph.get(file) ?? []) {
      if (!within.has(target)) continue
      if (target === start) {
        const path = [start]
        for (let step: string | undefined = file; step !== start && step; step = previous.get(step))
          path.splice(1, 0, step)
        return [...path, start]
      }
      if (!previous.has(target)) {
        previous.set(target, file)
        queue.push(target)
      }
    }
  }
  return [start, start]
}

/** Tarjan's algorithm: the sets of files that all reach one another. */
function stronglyConnected(graph: ReadonlyMap<string, readonly string[]>): Set<string>[] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const components: Set<string>[] = []
  const visit = (file: string) => {
    index.set(file, index.size)
    low.set(file, index.get(file) as number)
    stack.push(file)
    onStack.add(file)
    for (const target of graph.get(file) ?? []) {
      if (!graph.has(target)) continue
      if (!index.has(target)) {
        visit(target)
        low.set(file, Math.min(low.get(file) as number, low.get(target) as number))
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file) as number, index.get(target) as number))
      }
    }
    if (low.get(file) !== index.get(file)) return
    const component = new Set<string>()
    for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
      onStack.delete(member)
      component.add(member)
      if (member === file) break
    }
    components.push(component)
  }
  for (const file of graph.keys()) if (!index.has(file)) visit(file)
  return components
}
