/**
 * Delivery contracts: how codes and links reach people. The core renders a message from a
 * template and hands it to a `Mailer` or an `SmsSender`; adapters only transport.
 */

/** Every kind of email the core sends. */
export type EmailKind = 'email-otp' | 'magic-url' | 'recovery' | 'email-verification' | 'mfa-challenge'
/** Every kind of SMS the core sends. */
export type SmsKind = 'phone-otp' | 'phone-verification' | 'mfa-challenge'

export interface MailMessage {
  kind: EmailKind
  to: string
  subject: string
  text: string
  html: string
}

export interface SmsMessage {
  kind: SmsKind
  /** E.164 phone number. */
  to: string
  body: string
}

/** Sends one email. Resolves once the transport accepted it; rejects on failure. */
export interface Mailer {
  /** Sends one email; a rejection is reported (`deliveryFailed`), never shown to the requester. */
  send(message: MailMessage): Promise<void>
  /** Releases connections (optional). */
  close?(): Promise<void>
}

/** Sends one SMS. Resolves once the gateway accepted it; rejects on failure. */
export interface SmsSender {
  /** Sends one SMS to `message.to` (E.164); a rejection is reported (`deliveryFailed`). */
  send(message: SmsMessage): Promise<void>
  /** Releases connections; called when the app shuts down. */
  close?(): Promise<void>
}

/** What a template gets to fill in. */
export interface MessageContext {
  kind: EmailKind | SmsKind
  /** Human project name (`options.projectName`). */
  projectName: string
  /** Recipient address or number. */
  to: string
  /** Account display name, `''` when unset. */
  name: string
  /** The one-time code (OTP kinds). */
  code?: string
  /** The link to open (magic URL, recovery, email verification). */
  link?: string
  /** Security phrase shown in the app and the message, when one was asked for. */
  phrase?: string
  /** Lifetime in seconds. */
  expiresIn: number
  /** Lifetime in words, e.g. `15 minutes`. */
  expiresInWords: string
}

export interface EmailContent {
  subject: string
  text: string
  html: string
}

export type EmailTemplate = (ctx: MessageContext) => EmailContent
export type SmsTemplate = (ctx: MessageContext) => string

/** Per-kind overrides of the built-in templates. */
export interface Templates {
  email?: Partial<Record<EmailKind, EmailTemplate>>
  sms?: Partial<Record<SmsKind, SmsTemplate>>
}
