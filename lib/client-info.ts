/**
 * User-Agent → the device / client fields of Appwrite's Session model.
 *
 * Real Appwrite fills these from Matomo's device-detector. We parse with `ua-parser-js`
 * (small, MIT) and translate its names into Matomo's vocabulary: short codes
 * (`WIN`, `CH`, …), display names (`Mac`, `GNU/Linux`, `Microsoft Edge`, …), device types
 * (`desktop`, `smartphone`, …) and Matomo's default version truncation (major.minor for
 * client and OS versions; engine versions are kept whole). Only the common browsers and
 * operating systems get a code; anything else keeps ua-parser's name and an empty code.
 */
import UAParser from 'ua-parser-js'
import type { ClientInfo } from './store/store.js'

/** Longest User-Agent we look at; the rest is ignored (bounds the parser's regex work). */
export const MAX_USER_AGENT_LENGTH = 512

const EMPTY: ClientInfo = {
  osCode: '',
  osName: '',
  osVersion: '',
  clientType: '',
  clientCode: '',
  clientName: '',
  clientVersion: '',
  clientEngine: '',
  clientEngineVersion: '',
  deviceName: '',
  deviceBrand: '',
  deviceModel: '',
}

/** ua-parser OS name (lowercased) → [Matomo code, Matomo name]. */
const OS: Record<string, [string, string]> = {
  windows: ['WIN', 'Windows'],
  win32: ['WIN', 'Windows'],
  'windows phone': ['WPH', 'Windows Phone'],
  'windows mobile': ['WMO', 'Windows Mobile'],
  'mac os': ['MAC', 'Mac'],
  macos: ['MAC', 'Mac'],
  darwin: ['MAC', 'Mac'],
  ios: ['IOS', 'iOS'],
  android: ['AND', 'Android'],
  linux: ['LIN', 'GNU/Linux'],
  ubuntu: ['UBT', 'Ubuntu'],
  debian: ['DEB', 'Debian'],
  fedora: ['FED', 'Fedora'],
  mint: ['MIN', 'Mint'],
  arch: ['ARL', 'Arch Linux'],
  centos: ['CES', 'CentOS'],
  'red hat': ['RHT', 'Red Hat'],
  suse: ['SSE', 'SUSE'],
  opensuse: ['SSE', 'SUSE'],
  gentoo: ['GNT', 'Gentoo'],
  'chromium os': ['COS', 'Chrome OS'],
  freebsd: ['BSD', 'FreeBSD'],
  openbsd: ['OBS', 'OpenBSD'],
  netbsd: ['NBS', 'NetBSD'],
  solaris: ['SOS', 'Solaris'],
  harmonyos: ['HAR', 'HarmonyOS'],
  kaios: ['KOS', 'KaiOS'],
  tizen: ['TIZ', 'Tizen'],
  blackberry: ['BLB', 'BlackBerry OS'],
  webos: ['WOS', 'webOS'],
  sailfish: ['SAF', 'Sailfish OS'],
  'firefox os': ['FOS', 'Firefox OS'],
  playstation: ['PS3', 'PlayStation'],
  xbox: ['XBX', 'Xbox'],
  watchos: ['WAS', 'watchOS'],
}

/** Matomo's desktop OS codes: no device type + one of these → `desktop`. */
const DESKTOP_OS = new Set([
  'WIN', 'MAC', 'LIN', 'UBT', 'DEB', 'FED', 'MIN', 'ARL', 'CES', 'RHT', 'SSE', 'GNT', 'COS',
  'BSD', 'OBS', 'NBS', 'SOS',
])

/** ua-parser browser name → [Matomo code, Matomo name]. Mobile variants are decided below. */
const BROWSERS: Record<string, [string, string]> = {
  Chrome: ['CH', 'Chrome'],
  'Chrome Headless': ['HC', 'Headless Chrome'],
  'Chrome WebView': ['CV', 'Chrome Webview'],
  Chromium: ['CR', 'Chromium'],
  Firefox: ['FF', 'Firefox'],
  'Mobile Firefox': ['FM', 'Firefox Mobile'],
  Safari: ['SF', 'Safari'],
  'Mobile Safari': ['MF', 'Mobile Safari'],
  Edge: ['PS', 'Microsoft Edge'],
  Opera: ['OP', 'Opera'],
  'Opera Mini': ['OI', 'Opera Mini'],
  'Opera Mobi': ['OM', 'Opera Mobile'],
  'Opera Touch': ['OO', 'Opera Touch'],
  'Samsung Internet': ['SB', 'Samsung Browser'],
  IE: ['IE', 'Internet Explorer'],
  IEMobile: ['IM', 'IE Mobile'],
  Yandex: ['YA', 'Yandex Browser'],
  Vivaldi: ['VI', 'Vivaldi'],
  Brave: ['BR', 'Brave'],
  UCBrowser: ['UC', 'UC Browser'],
  DuckDuckGo: ['DD', 'DuckDuckGo Privacy Browser'],
  'Android Browser': ['AN', 'Android Browser'],
  Silk: ['MS', 'Mobile Silk'],
}

/** ua-parser engine name → Matomo engine name (only where they differ). */
const ENGINES: Record<string, string> = { EdgeHTML: 'Edge' }

/** ua-parser device type → Matomo device name. */
const DEVICES: Record<string, string> = {
  mobile: 'smartphone',
  tablet: 'tablet',
  smarttv: 'tv',
  console: 'console',
  wearable: 'wearable',
}

/** HTTP libraries and SDKs (Matomo's "library" client type): pattern → name; `$1` = version. */
const LIBRARIES: Array<[RegExp, string | ((m: RegExpExecArray) => string)]> = [
  [/^Appwrite(\w+?)SDK\/([\w.-]+)/, (m) => `Appwrite ${m[1] === 'NodeJS' ? 'Node.js' : m[1]} SDK`],
  [/^node(?:\/([\w.-]+))?$/i, 'Node.js'],
  [/^undici(?:\/([\w.-]+))?/i, 'undici'],
  [/^node-fetch(?:\/([\w.-]+))?/i, 'Node Fetch'],
  [/^curl\/([\w.-]+)/i, 'curl'],
  [/^Wget\/([\w.-]+)/i, 'Wget'],
  [/^axios\/([\w.-]+)/i, 'Axios'],
  [/^python-requests\/([\w.-]+)/i, 'Python Requests'],
  [/^python-httpx\/([\w.-]+)/i, 'HTTPX'],
  [/^aiohttp\/([\w.-]+)/i, 'aiohttp'],
  [/^Go-http-client\/([\w.-]+)/, 'Go-http-client'],
  [/^okhttp\/([\w.-]+)/i, 'OkHttp'],
  [/^Dart\/([\w.-]+)/, 'Dart'],
  [/^Deno\/([\w.-]+)/, 'Deno'],
  [/^Bun\/([\w.-]+)/, 'Bun'],
  [/^PostmanRuntime\/([\w.-]+)/, 'Postman Desktop'],
  [/^Java\/([\w.-]+)/, 'Java'],
  [/^Apache-HttpClient\/([\w.-]+)/, 'Apache HTTP Client'],
  [/^GuzzleHttp\/([\w.-]+)/, 'Guzzle (PHP HTTP Client)'],
]

/** Matomo's default truncation: keep major.minor (`70.0.3538.77` → `70.0`). */
function truncate(version: string | undefined): string {
  if (!version) return ''
  return version.split('.').slice(0, 2).join('.')
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : ''
}

/**
 * Derives Appwrite's Session device/client fields from a User-Agent header.
 * Missing or empty input gives all-empty fields; never throws.
 */
export function parseUserAgent(userAgent: string | undefined): ClientInfo {
  if (typeof userAgent !== 'string') return { ...EMPTY }
  const ua = userAgent.slice(0, MAX_USER_AGENT_LENGTH).trim()
  if (ua === '') return { ...EMPTY }
  try {
    return parse(ua)
  } catch {
    return { ...EMPTY }
  }
}

function parse(ua: string): ClientInfo {
  const r = new UAParser(ua).getResult()
  const info: ClientInfo = { ...EMPTY }

  // ── OS ──
  let osName = str(r.os.name)
  const osVersion = str(r.os.version)
  const sdkPlatform = /^Appwrite\w+SDK\/\S+ \((\w+);/.exec(ua)
  if (!osName && sdkPlatform) osName = sdkPlatform[1]
  const os = OS[osName.toLowerCase()]
  if (os) {
    ;[info.osCode, info.osName] = os
    if (os[0] === 'IOS' && str(r.device.model) === 'iPad' && Number.parseInt(osVersion, 10) >= 13) {
      ;[info.osCode, info.osName] = ['IPA', 'iPadOS']
    } else if (os[0] === 'AND' && r.device.type === 'smarttv') {
      ;[info.osCode, info.osName] = ['ADR', 'Android TV']
    }
  } else {
    info.osName = osName
  }
  info.osVersion = info.osName ? truncate(osVersion) : ''

  // ── client ──
  const browser = str(r.browser.name)
  const library = browser ? undefined : LIBRARIES.find(([re]) => re.test(ua))
  if (library) {
    const m = library[0].exec(ua) as RegExpExecArray
    info.clientType = 'library'
    info.clientName = typeof library[1] === 'string' ? library[1] : library[1](m)
    info.clientVersion = truncate(m[m.length - 1])
  } else if (browser) {
    let mapped = BROWSERS[browser]
    const isPhone = r.device.type === 'mobile' || /\bMobile\b/.test(ua)
    if (browser === 'Chrome' && info.osCode === 'IOS') mapped = ['CI', 'Chrome Mobile iOS']
    else if (browser === 'Chrome' && info.osCode === 'AND' && isPhone) mapped = ['CM', 'Chrome Mobile']
    else if (browser === 'Firefox' && info.osCode === 'AND') mapped = ['FM', 'Firefox Mobile']
    else if (browser === 'Firefox' && (info.osCode === 'IOS' || info.osCode === 'IPA')) {
      mapped = ['F1', 'Firefox Mobile iOS']
    }
    info.clientType = 'browser'
    info.clientCode = mapped ? mapped[0] : ''
    info.clientName = mapped ? mapped[1] : browser
    info.clientVersion = truncate(str(r.browser.version))
    const engine = str(r.engine.name)
    info.clientEngine = ENGINES[engine] ?? engine
    info.clientEngineVersion = info.clientEngine ? str(r.engine.version) : ''
  }

  // ── device ──
  const type = str(r.device.type)
  info.deviceName = DEVICES[type] ?? ''
  if (!info.deviceName && !type && DESKTOP_OS.has(info.osCode)) info.deviceName = 'desktop'
  info.deviceBrand = str(r.device.vendor)
  // Matomo names no model for desktops (ua-parser says "Macintosh"), nor for the "K" placeholder
  // of Chrome's reduced Android UA.
  const model = str(r.device.model)
  info.deviceModel = info.deviceName === 'desktop' || model === 'K' ? '' : model
  return info
}
