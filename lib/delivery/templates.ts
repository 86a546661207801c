/**
 * Built-in message templates, one per kind, and the helpers the core uses to pick
 * override-or-default. Templates only build strings; adapters transport them.
 */
import type {
  EmailContent,
  EmailKind,
  EmailTemplate,
  MessageContext,
  SmsKind,
  SmsTemplate,
  Templates,
} from './delivery.js'

const UNITS: Array<[seconds: number, name: string]> = [
  [86_400, 'day'],
  [3_600, 'hour'],
  [60, 'minute'],
]

/**
 * A lifetime in words using the largest unit that divides it exactly, so the wording never
 * rounds a deadline: 900 → `15 minutes`, 3600 → `1 hour`, 90 → `90 seconds`.
 */
export function durationInWords(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  for (const [size, name] of UNITS) {
    if (s > 0 && s % size === 0) return plural(s / size, name)
  }
  return plural(s, 'second')
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`
}

/** Escapes a value for HTML text and double- or single-quoted attributes. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

/** Only http(s) links become anchors: a `javascript:` or `data:` URL must never be clickable. */
function isWebLink(link: string): boolean {
  try {
    const { protocol } = new URL(link)
    return protocol === 'http:' || protocol === 'https:'
  } catch {
    return false
  }
}

// Headers can't carry line breaks; a name from configuration shouldn't be able to add one.
const oneLine = (s: string): string => s.replace(/[\r\n]+/g, ' ')

interface Parts {
  subject: string
  /** Sentence before the code or link, plain text (escaped for HTML when rendered). */
  intro: string
  /** What the link button says (link kinds). */
  action?: string
  /** Closing line for whoever didn't ask for this message. */
  ignore: string
}

/** Shared layout: greeting, intro, code or link, expiry, phrase, ignore line. */
function layout(ctx: MessageContext, parts: Parts): EmailContent {
  // No display name in the default greeting: anyone can sign up with someone else's address
  // and a name like "Call +1 555… to claim your prize", then make us mail it to them.
  // Custom templates still get `ctx.name`.
  const greeting = 'Hi,'
  const expiry = `It expires in ${ctx.expiresInWords}.`
  const phrase = ctx.phrase ? `Security phrase: ${ctx.phrase}. Make sure it matches the phrase shown where you asked for this.` : ''
  const value = ctx.code ?? ctx.link ?? ''

  const text = [greeting, '', parts.intro, '', value, '', expiry, ...(phrase ? [phrase] : []), '', parts.ignore, '', `— ${ctx.projectName}`].join('\n')

  const p = (inner: string): string => `<p style="margin:0 0 16px">${inner}</p>`
  let body: string
  if (ctx.code !== undefined) {
    body = p(`<strong style="font-size:24px;letter-spacing:4px;font-family:monospace">${escapeHtml(ctx.code)}</strong>`)
  } else if (ctx.link !== undefined && isWebLink(ctx.link)) {
    const href = escapeHtml(ctx.link)
    body =
      p(`<a href="${href}" style="display:inline-block;padding:10px 16px;background:#2d63c8;color:#ffffff;text-decoration:none;border-radius:4px">${escapeHtml(parts.action ?? 'Open link')}</a>`) +
      p(`Or open this link: <a href="${href}" style="color:#2d63c8;word-break:break-all">${href}</a>`)
  } else {
    // Not a web link: shown as inert text so nothing unsafe is one click away.
    body = p(`<span style="word-break:break-all">${escapeHtml(ctx.link ?? '')}</span>`)
  }
  const html =
    '<!doctype html><html><body style="margin:0;padding:24px;font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#222222">' +
    p(escapeHtml(greeting)) +
    p(escapeHtml(parts.intro)) +
    body +
    p(escapeHtml(expiry)) +
    (phrase ? p(escapeHtml(phrase)) : '') +
    `<p style="margin:0 0 16px;color:#666666">${escapeHtml(parts.ignore)}</p>` +
    `<p style="margin:0;color:#666666">— ${escapeHtml(ctx.projectName)}</p>` +
    '</body></html>'

  return { subject: oneLine(parts.subject), text, html }
}

/** The built-in email templates (plain text + minimal inline-styled HTML). */
export const defaultEmailTemplates: Record<EmailKind, EmailTemplate> = {
  'email-otp': (ctx) =>
    layout(ctx, {
      subject: `Your ${ctx.projectName} sign-in code`,
      intro: `Use this code to sign in to ${ctx.projectName}:`,
      ignore: "If you didn't ask for this code, you can ignore this email.",
    }),
  'magic-url': (ctx) =>
    layout(ctx, {
      subject: `Sign in to ${ctx.projectName}`,
      intro: `Open this link to sign in to ${ctx.projectName}:`,
      action: `Sign in to ${ctx.projectName}`,
      ignore: "If you didn't ask to sign in, you can ignore this email.",
    }),
  recovery: (ctx) =>
    layout(ctx, {
      subject: `Reset your ${ctx.projectName} password`,
      intro: `Open this link to choose a new password for ${ctx.projectName}:`,
      action: 'Reset password',
      ignore: "If you didn't ask to reset your password, you can ignore this email; your password stays the same.",
    }),
  'email-verification': (ctx) =>
    layout(ctx, {
      subject: `Verify your email for ${ctx.projectName}`,
      intro: `Open this link to verify your email address for ${ctx.projectName}:`,
      action: 'Verify email',
      ignore: "If you didn't ask for this, you can ignore this email.",
    }),
  'mfa-challenge': (ctx) =>
    layout(ctx, {
      subject: `Your ${ctx.projectName} verification code`,
      intro: `Someone signed in to your ${ctx.projectName} account and needs a second step. Use this code to finish signing in:`,
      ignore: "If this wasn't you, don't share the code, and change your password: someone knows it.",
    }),
}

const phraseSuffix = (ctx: MessageContext): string => (ctx.phrase ? ` Phrase: ${ctx.phrase}.` : '')

/** The built-in SMS templates: one short line, code first so phones can offer autofill. */
export const defaultSmsTemplates: Record<SmsKind, SmsTemplate> = {
  'phone-otp': (ctx) =>
    `Your ${ctx.projectName} code is ${ctx.code ?? ''}. It expires in ${ctx.expiresInWords}.${phraseSuffix(ctx)}`,
  'phone-verification': (ctx) =>
    `Your ${ctx.projectName} verification code is ${ctx.code ?? ''}. It expires in ${ctx.expiresInWords}.${phraseSuffix(ctx)}`,
  'mfa-challenge': (ctx) =>
    `Your ${ctx.projectName} sign-in verification code is ${ctx.code ?? ''}. It expires in ${ctx.expiresInWords}. Don't share it.`,
}

/** Renders an email with the override for `kind` when one is given, else the built-in one. */
export function renderEmail(kind: EmailKind, ctx: MessageContext, overrides?: Templates): EmailContent {
  const template = overrides?.email?.[kind] ?? defaultEmailTemplates[kind]
  return template({ ...ctx, kind })
}

/** Renders an SMS body with the override for `kind` when one is given, else the built-in one. */
export function renderSms(kind: SmsKind, ctx: MessageContext, overrides?: Templates): string {
  const template = overrides?.sms?.[kind] ?? defaultSmsTemplates[kind]
  return template({ ...ctx, kind })
}
