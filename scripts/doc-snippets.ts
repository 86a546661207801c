/**
 * Extracts the TypeScript snippets of README.md and docs/*.md and type-checks them as a
 * consumer's code would be: strict, `exactOptionalPropertyTypes`, NodeNext, `express-accounts`
 * resolved as a package (the package's self-reference → `exports` → the built `dist/`).
 *
 * A block opened with ```ts (or ```typescript) is checked; ```ts nocheck marks one that is
 * deliberately partial. Each block is its own module (top-level await allowed).
 *
 * `npx tsx scripts/doc-snippets.ts` prints every error as `<file>:<line>`; test/docs runs it too.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const ROOT = fileURLToPath(new URL('../', import.meta.url))

/** One fenced TypeScript block: where it starts in its Markdown file, and its code. */
export interface Snippet {
  file: string
  /** 1-based line of the block's first code line. */
  line: number
  code: string
  checked: boolean
}

/** The Markdown files whose snippets are checked: README.md and every docs/*.md. */
export function docFiles(root = ROOT): string[] {
  const docs = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(root, 'docs', f))
  return [join(root, 'README.md'), ...docs.sort()]
}

/** Every ```ts / ```typescript block of one Markdown text. */
export function extractSnippets(file: string, text: string): Snippet[] {
  const out: Snippet[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(ts|typescript)(\s+.*)?$/.exec(lines[i])
    if (!open) continue
    const start = i + 1
    let end = start
    while (end < lines.length && !lines[end].startsWith('```')) end++
    out.push({ file, line: start + 1, code: lines.slice(start, end).join('\n'), checked: !/\bnocheck\b/.test(open[2] ?? '') })
    i = end
  }
  return out
}

/** Type-checks the snippets; answers one message per error, `<markdown file>:<line>: <message>`. */
export function checkSnippets(snippets: Snippet[], root = ROOT): string[] {
  // Inside the package folder, so `express-accounts` resolves through the package's self-reference.
  const dir = join(root, 'node_modules', '.doc-snippets')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  // No package.json of its own: resolution walks up to the repository's (type: module, name:
  // express-accounts), so `import … from 'express-accounts'` is the package's self-reference.
  const files = new Map<string, Snippet>()
  snippets.filter((s) => s.checked).forEach((s, n) => {
    const path = join(dir, `snippet-${n}.ts`)
    // `export {}` makes every block a module of its own (top-level await, no shared names).
    writeFileSync(path, `${s.code}\nexport {}\n`)
    files.set(path, s)
  })
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    exactOptionalPropertyTypes: true,
    noImplicitOverride: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
    typeRoots: [join(root, 'node_modules', '@types')],
  }
  const globals = join(dir, 'globals.d.ts')
  writeFileSync(globals, readFileSync(join(root, 'scripts', 'doc-snippet-globals.d.ts'), 'utf8'))
  const program = ts.createProgram([globals, ...files.keys()], options)
  const errors: string[] = []
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n')
    const snippet = d.file ? files.get(d.file.fileName) : undefined
    if (d.file && snippet && d.start !== undefined) {
      const { line } = d.file.getLineAndCharacterOfPosition(d.start)
      errors.push(`${relative(root, snippet.file)}:${snippet.line + line}: ${message}`)
    } else {
      errors.push(`${d.file ? relative(root, d.file.fileName) : '(program)'}: ${message}`)
    }
  }
  rmSync(dir, { recursive: true, force: true })
  return errors
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const snippets = docFiles().flatMap((f) => extractSnippets(f, readFileSync(f, 'utf8')))
  const errors = checkSnippets(snippets)
  for (const e of errors) console.error(e)
  console.log(`${snippets.filter((s) => s.checked).length} snippets checked, ${snippets.filter((s) => !s.checked).length} marked nocheck, ${errors.length} errors`)
  process.exitCode = errors.length > 0 ? 1 : 0
}
