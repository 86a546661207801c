/**
 * The Account model's `emailCanonical` / `emailIs*` fields, computed as Appwrite computes them
 * (utopia-php/emails `Email`): the address lowercased, then
 * - `emailCanonical`: the provider's canonical form — Gmail drops dots and a `+tag` and says
 *   `gmail.com` for `googlemail.com`; Outlook, iCloud, Proton and Fastmail drop a `+tag`;
 *   Yahoo a `-tag`; any other domain keeps its local part as it is;
 * - `emailIsCanonical`: the address already is that form;
 * - `emailIsDisposable`: the domain (or a parent of it) is a throwaway-mail domain;
 * - `emailIsFree`: a free-mail domain that is not disposable;
 * - `emailIsCorporate`: neither free nor disposable.
 * All `null` when the account has no email, as in Appwrite.
 *
 * The domain lists come from maintained packages rather than a list of our own:
 * `mailchecker` (MIT; ~56,000 disposable domains, the list its maintainers update in every
 * release) and `email-providers` (ISC; ~8,700 free-mail providers from goware/emailproviders).
 * Both ship their data in the package (no download at install), and are read once, on first use.
 */
import { createRequire } from 'node:module'

export interface EmailFacts {
  emailCanonical: string | null
  emailIsFree: boolean | null
  emailIsDisposable: boolean | null
  emailIsCorporate: boolean | null
  emailIsCanonical: boolean | null
}

const NONE: EmailFacts = { emailCanonical: null, emailIsFree: null, emailIsDisposable: null, emailIsCorporate: null, emailIsCanonical: null }

const require = createRequire(import.meta.url)
let free: ReadonlySet<string> | undefined
let disposable: ReadonlySet<string> | undefined

function freeDomains(): ReadonlySet<string> {
  free ??= new Set((require('email-providers/all.json') as string[]).map((d) => d.toLowerCase()))
  return free
}

function disposableDomains(): ReadonlySet<string> {
  disposable ??= (require('mailchecker') as { blacklist(): Set<string> }).blacklist()
  return disposable
}

/** `mail.yopmail.com` counts as `yopmail.com`, as mailchecker itself checks. */
function isDisposableDomain(domain: string): boolean {
  const parts = domain.split('.')
  for (let i = 0; i < parts.length - 1; i++) if (disposableDomains().has(parts.slice(i).join('.'))) return true
  return false
}

const PLUS_TAG = new Set(['outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'icloud.com', 'me.com', 'mac.com', 'protonmail.com', 'protonmail.ch', 'proton.me', 'pm.me', 'fastmail.com', 'fastmail.fm'])
const HYPHEN_TAG = new Set(['yahoo.com', 'ymail.com', 'rocketmail.com'])

function canonical(local: string, domain: string): string {
  if (domain === 'gmail.com' || domain === 'googlemail.com') return `${local.split('+')[0]!.replaceAll('.', '')}@gmail.com`
  if (PLUS_TAG.has(domain)) return `${local.split('+')[0]}@${domain}`
  if (HYPHEN_TAG.has(domain)) return `${local.split('-')[0]}@${domain}`
  return `${local}@${domain}`
}

export function emailFacts(email: string): EmailFacts {
  const address = email.trim().toLowerCase()
  const at = address.lastIndexOf('@')
  if (address === '' || at <= 0 || at === address.length - 1) return { ...NONE }
  const local = address.slice(0, at)
  const domain = address.slice(at + 1)
  const emailCanonical = canonical(local, domain) || address
  const emailIsDisposable = isDisposableDomain(domain)
  const emailIsFree = !emailIsDisposable && freeDomains().has(domain)
  return {
    emailCanonical,
    emailIsFree,
    emailIsDisposable,
    emailIsCorporate: !emailIsFree && !emailIsDisposable,
    emailIsCanonical: address === emailCanonical,
  }
}
