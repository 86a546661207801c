// `npm test` runs every suite; `SPEC=test/http/router.test.ts npx mocha` (comma-separated
// paths or globs) runs only those, with the same setup.
module.exports = {
  'node-option': ['import=tsx'],
  spec: process.env.SPEC ? process.env.SPEC.split(',') : ['test/**/*.test.ts'],
  require: ['test/support/global-setup.ts'],
  timeout: 20000,
  exit: true,
}
