import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

/**
 * AES-256-GCM under a key derived (HKDF-SHA256) from `options.secret`, for the few secrets
 * the server must be able to read back (TOTP shared secrets, recovery codes to show again).
 * What the store holds — `v1.<iv>.<tag>.<ciphertext>` — is useless without the server
 * secret, so a leaked store does not hand out second factors. The `purpose` separates keys,
 * and binds each box to its account (as GCM additional data): a box copied onto another
 * account does not open.
 */
export class SecretBox {
  readonly #key: Buffer

  constructor(serverSecret: Buffer, purpose: string) {
    this.#key = Buffer.from(hkdfSync('sha256', serverSecret, Buffer.alloc(0), `express-accounts:${purpose}`, 32))
  }

  seal(plaintext: string, accountId: string): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv)
    cipher.setAAD(Buffer.from(accountId))
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.')
  }

  /** Null when the box was not sealed for this account under this server secret. */
  open(sealed: string, accountId: string): string | null {
    const [version, iv, tag, body] = sealed.split('.')
    if (version !== 'v1' || !iv || !tag || body === undefined) return null
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'))
      decipher.setAAD(Buffer.from(accountId))
      decipher.setAuthTag(Buffer.from(tag, 'base64url'))
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8')
    } catch {
      return null
    }
  }
}
