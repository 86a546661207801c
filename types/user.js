// Types only: see user.d.ts (`import 'express-accounts/user'` types req.user as the account).
export {}
