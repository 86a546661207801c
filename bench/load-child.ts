/**
 * A load generator in a process of its own (see LoadProcess): runs `runLoad` for each window
 * the parent asks for and replies with its figures. Two of them load two servers at the same
 * time without sharing an event loop, so neither generator slows the other's requests.
 */
import { runLoad, type LoadOptions, type LoadResult } from './run-load.js'
import type { LoadRequest } from './servers/bench-server.js'

/** `startAt`: `Date.now()` at which to begin the load (both generators of a side-by-side window get the same). */
export type LoadChildRequest = { id: number; port: number; request: LoadRequest; load: LoadOptions; startAt?: number }
export type LoadChildReply = { id: number; result: LoadResult } | { id: number; error: string }

process.on('message', (msg: LoadChildRequest) => {
  const wait = msg.startAt === undefined ? 0 : Math.max(0, msg.startAt - Date.now())
  new Promise((resolve) => setTimeout(resolve, wait)).then(() => runLoad(msg.port, msg.request, msg.load)).then(
    (result) => process.send!({ id: msg.id, result } satisfies LoadChildReply),
    (err: Error) => process.send!({ id: msg.id, error: err.stack ?? err.message } satisfies LoadChildReply),
  )
})
process.on('disconnect', () => process.exit(0))
process.send!({ id: 0, ready: true })
