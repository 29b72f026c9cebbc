// Starts the emulator in-process on a free loopback port, for tests that talk HTTP to it.
import type { Server } from 'node:http';
import { createEmulator, DEFAULT_APIKEY, DEFAULT_USER, listen } from '../../src/emulator/server.js';
import { defaultSeed, stateFromSeed, Store, type SeedService } from '../../src/emulator/store.js';

export interface RunningEmulator {
  url: string;
  store: Store;
  server: Server;
  /** Authorization header value for the default credentials. */
  auth: string;
  close(): Promise<void>;
}

export const USER = DEFAULT_USER;
export const APIKEY = DEFAULT_APIKEY;

export async function startEmulator(
  opts: { seed?: SeedService[]; pageSize?: number; dataFile?: string; maxBody?: number; clientTimeoutMs?: number; host?: string } = {},
): Promise<RunningEmulator> {
  const store = new Store(stateFromSeed(opts.seed ?? defaultSeed()), opts.dataFile);
  const server = createEmulator(store, { user: USER, apikey: APIKEY, pageSize: opts.pageSize ?? 25, maxBody: opts.maxBody, clientTimeoutMs: opts.clientTimeoutMs });
  const url = await listen(server, 0, opts.host ?? '127.0.0.1');
  return {
    url,
    store,
    server,
    auth: `Basic ${Buffer.from(`${USER}:${APIKEY}`).toString('base64')}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
