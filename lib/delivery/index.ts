/** Delivery: contracts, built-in templates and the bundled mailers and SMS senders. */
export type {
  EmailContent,
  EmailKind,
  EmailTemplate,
  Mailer,
  MailMessage,
  MessageContext,
  SmsKind,
  SmsMessage,
  SmsSender,
  SmsTemplate,
  Templates,
} from './delivery.js'
export { SmtpMailer } from './smtp-mailer.js'
export type { SmtpMailerOptions } from './smtp-mailer.js'
export { ConsoleMailer } from './console-mailer.js'
export type { ConsoleMailerOptions } from './console-mailer.js'
export { ConsoleSmsSender } from './console-sms-sender.js'
export type { ConsoleSmsSenderOptions } from './console-sms-sender.js'
export { WebhookSmsSender } from './webhook-sms-sender.js'
export type { WebhookSmsSenderOptions } from './webhook-sms-sender.js'
export { defaultEmailTemplates, defaultSmsTemplates, durationInWords, escapeHtml, renderEmail, renderSms } from './templates.js'
