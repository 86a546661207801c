import { isIPv4, isIPv6 } from 'node:net'

/**
 * What per-IP limits count a client as. An IPv6 host is routinely given a whole /64 (SLAAC,
 * privacy addresses), so counting per address would hand one host 2^64 fresh allowances:
 * IPv6 is cut to its /64. An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, what a dual-stack
 * socket reports for an IPv4 peer) is the IPv4 address it carries, so both spellings share
 * one allowance. Anything that is not an IP address (a misconfigured proxy header) is kept
 * as given: it still counts, and never throws.
 */
export function clientKey(ip: string | undefined): string {
  if (!ip) return ''
  const zone = ip.indexOf('%')
  const address = zone >= 0 ? ip.slice(0, zone) : ip
  if (isIPv4(address)) return address
  if (!isIPv6(address)) return ip
  const groups = ipv6Groups(address)
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.')
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a dotted IPv4 tail converted). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase()
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text)
  if (tail) {
    const [a, b, c, d] = tail.slice(1).map(Number)
    text = `${text.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head, rest] = text.split('::')
  const left = head ? head.split(':') : []
  const right = rest === undefined ? [] : rest ? rest.split(':') : []
  const missing = 8 - left.length - right.length
  return [...left, ...Array<string>(rest === undefined ? 0 : missing).fill('0'), ...right].map((g) => parseInt(g, 16))
}
