/**
 * One progress line on a terminal (`\r`-rewritten), plain lines every 10 % elsewhere (CI logs).
 * Hand-written: a bar of this size does not justify a dependency for every installer.
 */
export function progressLine(stream: NodeJS.WriteStream): (done: number, total: number, note: string) => void {
  let lastTenth = -1
  return (done, total, note) => {
    const ratio = total > 0 ? Math.min(1, done / total) : 1
    if (stream.isTTY) {
      const width = 30
      const filled = Math.round(ratio * width)
      stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${note}   `)
      if (done >= total) stream.write('\n')
      return
    }
    const tenth = Math.floor(ratio * 10)
    if (tenth !== lastTenth) {
      lastTenth = tenth
      stream.write(`${done}/${total} ${note}\n`)
    }
  }
}
