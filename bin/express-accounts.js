#!/usr/bin/env node
// `npx express-accounts migrate …`: runs the built CLI (dist/, made by `npm run build`).
import { main } from '../dist/lib/cli/main.js'

process.exitCode = await main(process.argv.slice(2))
