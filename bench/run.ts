/**
 * `npm run bench`: express-accounts side by side with the stacks users would pick instead.
 * `npm run bench -- --help` lists the options; `--quick` is the CI check (no timing).
 */
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { HELP, parseBenchOptions, type BenchOptions } from './bench-options.js'
import { fullRun } from './full-run.js'
import { windowFailures } from './side-by-side.js'
import { evaluateListingTargets } from './evaluate-targets.js'
import { listingBench } from './listing-bench.js'
import { quickCheck } from './quick-check.js'
import { resultsMarkdown } from './results-markdown.js'
import { selectVariants, type Variant } from './variants.js'

/** Whether `redis-server` can be started; without it Redis variants are skipped, or fail with REQUIRE_REDIS=1 (as in the tests). */
function redisVariants(variants: Variant[]): Variant[] {
  if (spawnSync('redis-server', ['--version']).status === 0) return variants
  if (process.env.REQUIRE_REDIS === '1') throw new Error('REQUIRE_REDIS=1 but redis-server is not installed')
  const kept = variants.filter((v) => v.redis === 'none')
  console.warn(`[bench] no redis-server: skipping ${variants.filter((v) => v.redis !== 'none').map((v) => v.name).join(', ')}`)
  return kept
}

async function main(options: BenchOptions, chosen: Variant[]): Promise<number> {
  if (options.help) {
    console.log(HELP)
    return 0
  }
  let variants: Variant[]
  try {
    variants = redisVariants(chosen)
  } catch (err) {
    console.error(`bench: ${(err as Error).message}`)
    return 1
  }
  if (options.quick) {
    const rows = await quickCheck(options, variants)
    const width = Math.max(...rows.map((r) => r.variant.length))
    for (const r of rows) {
      console.log(`${r.problems.length ? 'FAIL' : 'ok  '}  ${r.variant.padEnd(width)}  ${r.statuses.padEnd(7)}  ${r.redis}`)
      for (const p of r.problems) console.log(`        ${p}`)
    }
    let failed = rows.filter((r) => r.problems.length > 0).length
    console.log(failed ? `bench --quick: ${failed} of ${rows.length} variants FAILED` : `bench --quick: all ${rows.length} variants ok`)
    if (options.listAccounts > 0 && variants.some((v) => v.redis !== 'none')) {
      // Checks the scenario runs and every page answers (no timing claims in --quick).
      try {
        const listing = await listingBench({ quick: true, accounts: options.listAccounts })
        console.log(`ok    users-list  ${listing.sizes.map((z) => `${z.accounts} accounts: ${z.cases.length} pages answered`).join('; ')}`)
      } catch (err) {
        failed += 1
        console.log(`FAIL  users-list  ${(err as Error).message}`)
      }
    }
    return failed ? 1 : 0
  }
  const command = ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ')
  const record = await fullRun(options, variants, command)
  if (options.listAccounts > 0 && variants.some((v) => v.redis !== 'none')) {
    process.stderr.write(`users list: seeding ${options.listAccounts.toLocaleString('en-US')} accounts…\n`)
    record.listing = await listingBench({ quick: false, accounts: options.listAccounts })
    record.targets.push(...evaluateListingTargets(record.listing))
  }
  const markdown = resultsMarkdown(record)
  console.log(markdown)
  // Figures from a run where requests failed measure the failure path, not the variant: no record.
  const failed = [
    ...record.summaries.filter((s) => s.failures > 0).map((s) => `${s.variant.name} (${s.failures})`),
    ...[...record.side].map(([pair, ws]) => [pair.replace('|', ' : '), windowFailures(ws)] as const)
      .filter(([, n]) => n > 0).map(([pair, n]) => `side by side ${pair} (${n})`),
  ]
  if (failed.length > 0) {
    console.error(`[bench] requests failed in ${failed.join(', ')}${options.write ? `; ${options.write} not written` : ''}`)
    return 1
  }
  if (options.write) {
    writeFileSync(options.write, `${markdown}\n`)
    console.error(`[bench] wrote ${options.write}`)
  }
  return 0
}

let options: BenchOptions
let chosen: Variant[]
try {
  options = parseBenchOptions(process.argv.slice(2))
  chosen = selectVariants(options.variants)
} catch (err) {
  console.error(`bench: ${(err as Error).message}`)
  process.exit(2)
}
main(options, chosen).then((code) => process.exit(code), (err: Error) => {
  console.error(err.stack ?? err.message)
  process.exit(1)
})
