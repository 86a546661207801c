/**
 * How the example's email and SMS leave the process. By default both are printed to the
 * console (copy the code or link from the terminal); `SMTP_URL` sends real mail and
 * `SMS_WEBHOOK_URL` POSTs each SMS to a gateway.
 */
import { ConsoleMailer, ConsoleSmsSender, SmtpMailer, WebhookSmsSender, type Mailer, type SmsSender } from '../lib/index.js'
import { ExampleConfigError, setting, type ExampleEnv } from './config.js'

export interface ExampleDelivery {
  mailer: Mailer
  sms: SmsSender
  /** Which adapters the environment chose, for the boot banner and the start page. */
  email: 'console' | 'smtp'
  smsName: 'console' | 'webhook'
}

/** `log` receives what the console adapters print (default `console.log`). */
export function deliveryFromEnv(env: ExampleEnv, project: string, log: (text: string) => void): ExampleDelivery {
  const smtpUrl = setting(env.SMTP_URL)
  const webhookUrl = setting(env.SMS_WEBHOOK_URL)
  return {
    mailer: smtpUrl === undefined ? new ConsoleMailer({ log }) : smtpMailer(smtpUrl, setting(env.SMTP_FROM) ?? `"${project}" <no-reply@localhost>`),
    sms: webhookUrl === undefined ? new ConsoleSmsSender({ log }) : webhookSender(webhookUrl),
    email: smtpUrl === undefined ? 'console' : 'smtp',
    smsName: webhookUrl === undefined ? 'console' : 'webhook',
  }
}

// Neither URL is echoed in an error: SMTP_URL may hold a password, SMS_WEBHOOK_URL an API key.

function smtpMailer(url: string, from: string): Mailer {
  if (!hasScheme(url, ['smtp:', 'smtps:'])) {
    throw new ExampleConfigError('SMTP_URL must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@smtp.example.com:587 or smtps://user:pass@smtp.example.com')
  }
  try {
    return new SmtpMailer({ url, from })
  } catch (err) {
    if (err instanceof TypeError) throw new ExampleConfigError(`SMTP_URL / SMTP_FROM rejected: ${err.message}`)
    throw err
  }
}

function webhookSender(url: string): SmsSender {
  if (!hasScheme(url, ['http:', 'https:'])) {
    throw new ExampleConfigError('SMS_WEBHOOK_URL must be an http:// or https:// URL (your SMS gateway endpoint, which receives {"to","body"} JSON)')
  }
  try {
    return new WebhookSmsSender({ url })
  } catch (err) {
    if (err instanceof TypeError) throw new ExampleConfigError(`SMS_WEBHOOK_URL rejected: ${err.message}`)
    throw err
  }
}

function hasScheme(value: string, schemes: string[]): boolean {
  try {
    return schemes.includes(new URL(value).protocol)
  } catch {
    return false
  }
}
