/**
 * Form pieces the example's pages share, so every field has a real `<label>`, its hint tied to
 * it with `aria-describedby`, and every form a `role="alert"` region where the page's script
 * announces what went wrong.
 */
import { html, type Html } from './html.js'

export interface FieldInput {
  /** The form's id; the input's id is `<form>-<name>`. */
  form: string
  name: string
  label: string
  type?: 'text' | 'email' | 'password' | 'tel'
  autocomplete?: string
  required?: boolean
  hint?: string
  /** A one-time code: numeric keyboard, monospace. */
  code?: boolean
  minlength?: number
  maxlength?: number
  pattern?: string
  value?: string
  /** Markup next to the label (e.g. a "Forgot password?" link). */
  aside?: Html
}

export function field(f: FieldInput): Html {
  const id = `${f.form}-${f.name}`
  const hintId = f.hint ? `${id}-hint` : null
  const label = f.aside
    ? html`<div class="field-row"><label for="${id}">${f.label}</label>${f.aside}</div>`
    : html`<label for="${id}">${f.label}</label>`
  return html`<div class="field">
${label}
<input id="${id}" name="${f.name}" type="${f.code ? 'text' : (f.type ?? 'text')}"${attr('autocomplete', f.autocomplete)}${f.required === false ? '' : html` required`}${
    f.code ? html` inputmode="numeric" class="code" spellcheck="false"` : ''
  }${attr('minlength', f.minlength)}${attr('maxlength', f.maxlength)}${attr('pattern', f.pattern)}${attr('value', f.value)}${attr('aria-describedby', hintId)}>
${hintId ? html`<span class="hint" id="${hintId}">${f.hint}</span>` : ''}
</div>`
}

function attr(name: string, value: string | number | null | undefined): Html {
  return value === undefined || value === null ? html`` : html` ${name}="${String(value)}"`
}

/** Where a form's failures are announced (screen readers read a `role="alert"` as soon as it gets text). */
export const formAlert = html`<p class="alert" role="alert"></p>`

export function submit(label: string, className = 'btn btn-block'): Html {
  return html`<button type="submit" class="${className}">${label}</button>`
}

/** A polite live region for what went right. */
export function statusRegion(id: string): Html {
  return html`<p class="notice notice-success" role="status" id="${id}"></p>`
}
