import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { STORE_NEEDS } from '../../lib/core/store-needs.js'
import { DEFAULTS, resolveOptions, type AccountsOptions } from '../../lib/options.js'
import { MemoryStore } from '../../lib/store/memory-store.js'
import { SECRET } from '../support/app.js'

/** `resolveOptions(options)` must throw exactly this TypeError message. */
function refuses(options: unknown, message: string): void {
  assert.throws(() => resolveOptions({ secret: SECRET, ...(options as AccountsOptions) }), (err: unknown) => {
    assert.ok(err instanceof TypeError, `expected a TypeError, got ${String(err)}`)
    // The message, then what each named option was (explainOptionError): `… — options.x is …`.
    assert.equal(err.message.split(' — options.')[0], message)
    return true
  })
}

/** A store lacking one method: every other method of a real MemoryStore, bound. */
function storeWithout(method: string): object {
  const real = new MemoryStore()
  const copy: Record<string, unknown> = {}
  for (let proto = Object.getPrototypeOf(real); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const value = (real as unknown as Record<string, unknown>)[name]
      if (name !== 'constructor' && name !== method && typeof value === 'function' && !(name in copy)) copy[name] = value.bind(real)
    }
  }
  return copy
}

describe('options', () => {
  it('resolveOptions({}) gives DEFAULTS for every scalar option and every token lifetime', () => {
    const o = resolveOptions({ secret: SECRET })
    for (const [name, value] of Object.entries(DEFAULTS)) {
      assert.deepEqual((o as unknown as Record<string, unknown>)[name], value, `options.${name}`)
    }
    assert.deepEqual(o.tokenLifetimes, { ...DEFAULTS.tokenLifetimes })
    assert.equal(o.projectName, DEFAULTS.project)
    assert.ok(Number.isInteger(o.bcryptConcurrency) && o.bcryptConcurrency >= 1)
    assert.deepEqual([o.apiKeys, o.allowedOrigins, o.allowedRedirectOrigins, o.templates, o.oauth2], [[], [], [], {}, {}])
    assert.deepEqual([o.mailer, o.sms, o.magicUrl, o.createJwtPayload], [null, null, null, null])
    assert.equal(o.clock, Date)
    assert.equal('store' in o, false, 'the store is no option: it is the core context’s own member')
  })

  it('DEFAULTS are what the README documents (a change here is a change of behaviour)', () => {
    assert.deepEqual(
      { ...DEFAULTS, tokenLifetimes: { ...DEFAULTS.tokenLifetimes } },
      {
        project: 'default',
        storeTimeout: 3,
        sessionDuration: 2_592_000,
        maxSessions: 10,
        maxPushTargets: 20,
        bcryptCost: 12,
        bcryptQueue: 32,
        bcryptPerClient: 8,
        cookieSameSite: 'lax',
        rateLimits: true,
        passwordlessSignUp: true,
        maxTokenFailures: 5,
        invalidateSessionsOnPasswordChange: true,
        securityLog: { maxEntries: 1000, maxStrangerEntries: 100, maxAge: 7_776_000 },
        passwordPolicy: { minLength: 8, maxLength: 256, dictionary: true, personalData: true, history: 0 },
        tokenLifetimes: { emailOtp: 900, phoneOtp: 900, magicUrl: 3600, recovery: 3600, emailVerification: 604_800, phoneVerification: 900, oauth2: 900 },
      },
    )
    assert.ok(Object.isFrozen(DEFAULTS) && Object.isFrozen(DEFAULTS.tokenLifetimes))
  })

  it('every TypeError names the option and what it must be', () => {
    refuses({ project: 'bad id!' }, 'options.project must be 1–36 chars of a-z, A-Z, 0-9, period, hyphen or underscore')
    refuses({ apiKeys: ['short'] }, 'options.apiKeys must be an array of strings of at least 16 characters')
    refuses({ allowedOrigins: ['not an origin'] }, "options.allowedOrigins must be an array of origins like 'https://app.example.com'")
    refuses({ allowedRedirectOrigins: 'https://a.example' }, "options.allowedRedirectOrigins must be an array of origins like 'https://app.example.com'")
    refuses({ sessionDuration: 0 }, 'options.sessionDuration must be an integer from 1 to 315360000')
    refuses({ maxSessions: 1.5 }, 'options.maxSessions must be an integer from 0 to 1000')
    refuses({ bcryptCost: 3 }, 'options.bcryptCost must be an integer from 4 to 31')
    refuses({ bcryptConcurrency: 0 }, 'options.bcryptConcurrency must be an integer from 1 to 1024')
    refuses({ bcryptQueue: -1 }, 'options.bcryptQueue must be an integer from 0 to 100000')
    refuses({ bcryptPerClient: 0 }, 'options.bcryptPerClient must be an integer from 1 to 100000')
    refuses({ cookieSameSite: 'sometimes' }, "options.cookieSameSite must be 'lax', 'strict' or 'none'")
    refuses({ store: 'redis://localhost' }, 'options.store must implement the Store interface (see docs/store.md)')
    refuses({ store: null }, 'options.store must implement the Store interface (see docs/store.md)')
    refuses({ storeTimeout: 0 }, 'options.storeTimeout must be a number of seconds from 0.01 to 300')
    refuses({ clock: {} }, 'options.clock must have a now() method returning epoch milliseconds')
    refuses({ mailer: {} }, 'options.mailer must have a send(message) method (see lib/delivery/delivery.ts)')
    refuses({ sms: {} }, 'options.sms must have a send(message) method (see lib/delivery/delivery.ts)')
    refuses({ magicUrl: 'ftp://x' }, "options.magicUrl must be an absolute http(s) URL like 'https://app.example.com/magic'")
    refuses({ magicUrl: 'https://elsewhere.example/magic' }, 'options.magicUrl must be on a loopback host or one of options.allowedRedirectOrigins')
    refuses({ rateLimits: 'yes' }, 'options.rateLimits must be a boolean')
    refuses({ passwordlessSignUp: 1 }, 'options.passwordlessSignUp must be a boolean')
    refuses({ templates: 'x' }, 'options.templates must be an object { email?, sms? }')
    refuses({ templates: { push: {} } }, 'options.templates.push is not a channel (email, sms)')
    refuses({ templates: { email: { recovery: 'text' } } }, 'options.templates.email.recovery must be a function (context) => content')
    refuses({ oauth2: [] }, 'options.oauth2 must be an object { <provider>: { clientId, clientSecret, … } }')
    refuses({ createJwtPayload: {} }, 'options.createJwtPayload must be a function (account, session) => claims')
    refuses({ tokenLifetimes: { pushCode: 60 } }, 'options.tokenLifetimes.pushCode is not a known token kind')
    refuses({ tokenLifetimes: { recovery: 0 } }, 'options.tokenLifetimes.recovery must be an integer from 1 to 2592000')
    refuses({ maxTokenFailures: 0 }, 'options.maxTokenFailures must be an integer from 1 to 100')
    refuses({ invalidateSessionsOnPasswordChange: 'no' }, 'options.invalidateSessionsOnPasswordChange must be a boolean')
    refuses({ secret: 'too short' }, 'options.secret must be a string of at least 32 bytes')
  })

  it('a secret is required when NODE_ENV=production', () => {
    const before = process.env.NODE_ENV
    process.env.NODE_ENV = 'production'
    try {
      assert.throws(() => resolveOptions({}), { name: 'TypeError', message: 'options.secret is required when NODE_ENV=production — options.secret is undefined' })
    } finally {
      if (before === undefined) delete process.env.NODE_ENV
      else process.env.NODE_ENV = before
    }
  })

  describe('the store has every method the configured features need', () => {
    for (const [part, methods] of Object.entries(STORE_NEEDS)) {
      for (const method of methods) {
        it(`${part} needs ${method}()`, () => {
          const oauth2 = part === 'OAuth2' ? { github: { clientId: 'id', clientSecret: 'secret' } } : undefined
          assert.throws(
            () => resolveOptions({ secret: SECRET, store: storeWithout(method) as never, oauth2 }),
            (err: unknown) => err instanceof TypeError && /^options\.store is missing (\w+)\(\) \(needed by [\w ]+\)( — options\.store is an object)?$/.test(err.message) && err.message.includes(`missing ${method}()`),
          )
        })
      }
    }

    it('names the method and the feature, e.g. insertIdentity() for OAuth2', () => {
      refuses({ store: storeWithout('insertIdentity'), oauth2: { github: { clientId: 'id', clientSecret: 'secret' } } }, 'options.store is missing insertIdentity() (needed by OAuth2)')
      refuses({ store: storeWithout('consumeToken') }, 'options.store is missing consumeToken() (needed by Tokens)')
    })

    it('a store without the OAuth2 methods is fine when no OAuth2 provider is configured', () => {
      assert.doesNotThrow(() => resolveOptions({ secret: SECRET, store: storeWithout('insertIdentity') as never }))
    })

    it('every store method the code outside lib/store calls is in some part’s list (so the check cannot fall behind)', () => {
      const listed = new Set<string>(Object.values(STORE_NEEDS).flat())
      const called = new Set<string>()
      const walk = (dir: string): void => {
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
          const path = join(dir, entry.name)
          if (entry.isDirectory()) {
            // lib/testing is the Store contract suite: it calls every method on purpose. lib/cli is
            // an application (the migrate command): it closes the store it opened, as apps do.
            if (path !== join('lib', 'store') && path !== join('lib', 'testing') && path !== join('lib', 'cli')) walk(path)
          } else if (entry.name.endsWith('.ts')) {
            for (const m of readFileSync(path, 'utf8').matchAll(/\bstore\.(\w+)\(/g)) called.add(m[1]!)
          }
        }
      }
      walk('lib')
      assert.ok(called.size > 10, `found ${called.size} calls`)
      assert.deepEqual([...called].filter((m) => !listed.has(m)), [])
    })

    it('a MemoryStore has them all, every feature on', () => {
      assert.doesNotThrow(() => resolveOptions({ secret: SECRET, store: new MemoryStore(), oauth2: { github: { clientId: 'id', clientSecret: 'secret' } } }))
    })
  })
})
