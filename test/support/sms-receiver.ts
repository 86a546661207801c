/**
 * A local HTTP endpoint standing in for an SMS gateway: point a `WebhookSmsSender` at
 * `receiver.url` and read what it POSTed.
 *
 *   const sms = await startSmsReceiver()
 *   const sender = new WebhookSmsSender({ url: sms.url })
 *   … trigger the flow …
 *   const code = extractCode((await sms.next('+15551234567')).body)
 */
import http from 'node:http'
import type { IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReceivedSms {
  to: string
  body: string
  /** The whole parsed JSON body (to check its exact shape). */
  json: Record<string, unknown>
  /** Request headers, lower-cased names. */
  headers: IncomingHttpHeaders
  /** The status this request was answered with. */
  status: number
}

export interface SmsReceiverOptions {
  /** Status answered to every POST. Default 200. */
  status?: number
  /** Wait this long before answering, in milliseconds (to test sender timeouts). Default 0. */
  delayMs?: number
}

export interface SmsReceiver {
  /** `http://127.0.0.1:<port>/sms` */
  url: string
  /** Every JSON message POSTed so far, in arrival order, including ones answered non-2xx. */
  messages: ReceivedSms[]
  /** The next not-yet-taken message to `to`, received already or within `timeoutMs` (default 5000). */
  next(to: string, timeoutMs?: number): Promise<ReceivedSms>
  /** Changes the status answered from now on. */
  setStatus(code: number): void
  close(): Promise<void>
}

export async function startSmsReceiver(opts: SmsReceiverOptions = {}): Promise<SmsReceiver> {
  let status = opts.status ?? 200
  const delayMs = opts.delayMs ?? 0
  const messages: ReceivedSms[] = []
  const taken = new Set<ReceivedSms>()
  const timers = new Set<NodeJS.Timeout>()
  let waiters: Array<{ to: string; resolve: (m: ReceivedSms) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }> = []

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      let json: Record<string, unknown>
      try {
        json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>
        if (req.method !== 'POST' || json === null || typeof json !== 'object') throw new Error('not a JSON object')
      } catch {
        res.writeHead(400).end()
        return
      }
      // Recorded before answering, so a resolved send() means the message is here.
      const m: ReceivedSms = { to: String(json.to), body: String(json.body), json, headers: req.headers, status }
      messages.push(m)
      const w = waiters.find((x) => x.to === m.to)
      if (w) {
        taken.add(m)
        clearTimeout(w.timer)
        waiters = waiters.filter((x) => x !== w)
        w.resolve(m)
      }
      const answer = (): void => {
        res.writeHead(m.status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: m.status < 300 }))
      }
      if (delayMs <= 0) return answer()
      const t = setTimeout(() => {
        timers.delete(t)
        answer()
      }, delayMs)
      timers.add(t)
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as AddressInfo).port

  return {
    url: `http://127.0.0.1:${port}/sms`,
    messages,
    next(to, timeoutMs = 5000) {
      const ready = messages.find((m) => !taken.has(m) && m.to === to)
      if (ready) {
        taken.add(ready)
        return Promise.resolve(ready)
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((x) => x !== w)
          reject(new Error(`sms-receiver: no message to ${to} within ${timeoutMs} ms (received ${messages.length})`))
        }, timeoutMs)
        const w = { to, resolve, reject, timer }
        waiters.push(w)
      })
    },
    setStatus(code) {
      status = code
    },
    close() {
      for (const t of timers) clearTimeout(t)
      timers.clear()
      for (const w of waiters) {
        clearTimeout(w.timer)
        w.reject(new Error('sms-receiver: closed'))
      }
      waiters = []
      return new Promise<void>((resolve) => {
        server.close(() => resolve())
        // Keep-alive sockets (fetch pools them) would otherwise hold close() open.
        server.closeAllConnections()
      })
    },
  }
}
