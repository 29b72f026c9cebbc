// Starts the emulator in-process on a free loopback port, for tests that talk HTTP to it.
import type { Server } from 'node:http';
import { createEmulator, DEFAULT_APIKEY, DEFAULT_USER, listen, type EmulatorOptions } from '../../src/emulator/server.js';
import { defaultSeed, stateFromSeed, Store, type SeedService } from '../../src/emulator/store.js';
import { basic } from './account.js';

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
  opts: Partial<Omit<EmulatorOptions, 'user' | 'apikey'>> & {
    seed?: SeedService[];
    dataFile?: string;
    maxActions?: number;
    host?: string;
  } = {},
): Promise<RunningEmulator> {
  const store = new Store(stateFromSeed(opts.seed ?? defaultSeed()), opts.dataFile, opts.maxActions);
  const server = createEmulator(store, { ...opts, user: USER, apikey: APIKEY, pageSize: opts.pageSize ?? 25 });
  const url = await listen(server, 0, opts.host ?? '127.0.0.1');
  return {
    url,
    store,
    server,
    auth: basic(USER, APIKEY),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
