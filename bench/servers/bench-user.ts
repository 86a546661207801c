/**
 * The user the peer variants store and return: shaped like the Account JSON `requireSession()`
 * variants return (`toAccountModel`), so every variant sends a body of about the same size and
 * the ratios compare authentication, not serialisation of different documents.
 */
export const BENCH_USER = {
  $id: '6650c1f2a9e3b4d5c6f7',
  $createdAt: '2025-01-01T00:00:00.000+00:00',
  $updatedAt: '2025-01-01T00:00:00.000+00:00',
  name: 'Bench User',
  registration: '2025-01-01T00:00:00.000+00:00',
  status: true,
  labels: [] as string[],
  passwordUpdate: '2025-01-01T00:00:00.000+00:00',
  email: 'bench.user@example.com',
  phone: '',
  emailVerification: false,
  emailCanonical: null,
  emailIsFree: null,
  emailIsDisposable: null,
  emailIsCorporate: null,
  emailIsCanonical: null,
  phoneVerification: false,
  mfa: false,
  prefs: {},
  targets: [{
    $id: '6650c1f2a9e3b4d5c6f7-email',
    $createdAt: '2025-01-01T00:00:00.000+00:00',
    $updatedAt: '2025-01-01T00:00:00.000+00:00',
    name: '',
    userId: '6650c1f2a9e3b4d5c6f7',
    providerId: null,
    providerType: 'email',
    identifier: 'bench.user@example.com',
    expired: false,
  }],
  accessedAt: '2025-01-01T00:00:00.000+00:00',
  impersonator: false,
  impersonatorUserId: null,
}

export type BenchUser = typeof BENCH_USER

/** The password every bench account signs in with (long enough, not on the common list). */
export const BENCH_PASSWORD = 'Horse-battery-7f3a-staple'
