/**
 * Names the documentation's TypeScript snippets take as given: made in an earlier snippet of
 * the same page or by the reader's own app. `scripts/doc-snippets.ts` type-checks every snippet
 * with these in scope; a snippet's own declarations and imports shadow them.
 */
import type { RequestHandler, Express } from 'express'
import type { ExpressAccounts } from 'express-accounts'
import type { Account, ID as AppwriteId } from 'appwrite'
import type { PassportStatic } from 'passport'
import type { RedisClientType } from 'redis'

declare global {
  /** Your Express app. */
  const app: Express
  /** `createAccounts(…)`'s answer. */
  const accounts: ExpressAccounts
  /** The web SDK's `new Account(client)`, signed in where the snippet says so. */
  const account: Account
  /** `ID` of the web SDK. */
  const ID: typeof AppwriteId
  /** The SDK endpoint, e.g. `https://api.example.com/v1`. */
  const endpoint: string
  /** What the person typed into your forms. */
  const email: string
  const password: string
  const newPassword: string
  const code: string
  const codeTheUserTyped: string
  const codeFromTheSms: string
  /** A connected node-redis client. */
  const client: RedisClientType
  /** The `passport` package's default instance. */
  const passport: PassportStatic
  /** Your own page handlers. */
  const renderDashboard: RequestHandler
  const renderChallengeForm: RequestHandler
}
