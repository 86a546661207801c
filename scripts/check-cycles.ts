/**
 * Fails (exit 1) when any import cycle exists among the files under the given roots
 * (default `lib`), counting `import type` and `export … from` too: a type-only cycle still
 * ties the files' designs together. Uses the TypeScript compiler's own parser, so it reads
 * exactly what `tsc` reads. Usage: `tsx scripts/check-cycles.ts [dir…]`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'

function listTs(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...listTs(path))
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(resolve(path))
  }
  return out
}

function importsOf(file: string, known: Set<string>): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false)
  const specifiers: string[] = []
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      specifiers.push(node.moduleSpecifier.text)
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      specifiers.push(node.argument.literal.text)
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      specifiers.push(node.arguments[0].text)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  const targets: string[] = []
  for (const spec of specifiers) {
    if (!spec.startsWith('.')) continue
    const base = resolve(dirname(file), spec)
    const candidates = [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')]
    const hit = candidates.find((c) => known.has(c))
    if (hit) targets.push(hit)
  }
  return targets
}

/** Tarjan's strongly connected components: every component of more than one file (or a self-import) is a cycle. */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0
  const indices = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const connect = (v: string): void => {
    indices.set(v, index)
    low.set(v, index++)
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        connect(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, indices.get(w)!))
      }
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        component.push(w)
      } while (w !== v)
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort())
    }
  }
  for (const v of graph.keys()) if (!indices.has(v)) connect(v)
  return found
}

const roots = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['lib']
const files = roots.flatMap((r) => listTs(r))
const known = new Set(files)
const graph = new Map(files.map((f) => [f, importsOf(f, known)]))
const found = cycles(graph)
if (found.length === 0) {
  console.log(`check-cycles: no import cycle among ${files.length} files under ${roots.join(', ')}`)
} else {
  for (const component of found) {
    console.error(`import cycle among ${component.length} files:`)
    for (const file of component) {
      const inside = (graph.get(file) ?? []).filter((t) => component.includes(t)).map((t) => relative(process.cwd(), t))
      console.error(`  ${relative(process.cwd(), file)} → ${inside.join(', ')}`)
    }
  }
  process.exit(1)
}
