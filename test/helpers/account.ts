// An emulator that accepts one account only, whose service `web` has one trigger named after it: a
// request that succeeds tells which credentials were sent, and the requests it records tell where.
import { createEmulator, listen } from '../../src/emulator/server.js';
import { stateFromSeed, Store } from '../../src/emulator/store.js';
import { registerSecret } from './secrets.js';

export interface Seen {
  method: string;
  url: string;
  authorization?: string;
  userAgent?: string;
}

export interface Account {
  user: string;
  secret: string;
  /** Name of the one trigger of its service `web`: tells which emulator answered. */
  hook: string;
  /** Root URL with a trailing slash, as --host takes it. */
  host: string;
  /** Every request it received. */
  seen: Seen[];
  close(): Promise<void>;
}

/** Starts the emulator of `user` with `secret` (both registered as secrets: the key, and the pair in base64). */
export async function startAccount(user: string, secret: string, hook: string): Promise<Account> {
  registerSecret(secret);
  registerSecret(b64(user, secret));
  const store = new Store(stateFromSeed([{ name: 'web', stack: null, triggers: [{ name: hook, operation: 'REDEPLOY' }] }]));
  const server = createEmulator(store, { user, apikey: secret, pageSize: 25 });
  const seen: Seen[] = [];
  server.on('request', (req) =>
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      authorization: req.headers.authorization,
      userAgent: req.headers['user-agent'],
    }),
  );
  const url = await listen(server, 0, '127.0.0.1');
  return {
    user,
    secret,
    hook,
    host: `${url}/`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** base64(user:secret), as Basic authentication and ~/.docker/config.json carry a user and secret. */
export const b64 = (user: string, secret: string): string => Buffer.from(`${user}:${secret}`).toString('base64');

/** `Basic base64(user:secret)`, the Authorization value of an account. */
export const basic = (user: string, secret: string): string => `Basic ${b64(user, secret)}`;

/** The trigger names a `list ... --json` run printed. */
export const hooks = (r: { stdout: string }): string[] => (JSON.parse(r.stdout) as { name: string }[]).map((t) => t.name);
