// dockercloud-emulator: a local Docker Cloud API for trying and testing the trigger CLI offline.
import { parseArgs } from 'node:util';
import { createEmulator, DEFAULT_APIKEY, DEFAULT_USER, listen } from './server.js';
import { defaultSeed, loadState, readSeedFile, saveState, StateFileError, stateFromSeed, Store } from './store.js';

const USAGE = `Usage: dockercloud-emulator [options]

A local emulator of the Docker Cloud service and trigger API.

Options:
  --port N         port to listen on; 0 picks a free one (default: 0)
  --host ADDR      address to listen on (default: 127.0.0.1)
  --data FILE      keep the state in FILE (JSON), saved atomically on every change;
                   without it the state lives in memory
  --seed FILE      initial services (used when there is no data file yet);
                   without it: web and worker in stack demo, and redis
  --user NAME      accepted user name (default: ${DEFAULT_USER})
  --apikey KEY     accepted API key (default: ${DEFAULT_APIKEY})
  --page-size N    default page size of lists (default: 25)
  --client-timeout S
                   seconds a client has to send a whole request (default: 30;
                   greater than 0, at most 3600)
  -h, --help       show this help

Prints "listening on http://HOST:PORT" once it is ready; stops on SIGINT or SIGTERM.`;

function fail(message: string, code = 2): never {
  process.stderr.write(`dockercloud-emulator: ${message}\n`);
  process.exit(code);
}

export async function main(argv: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: '0' },
        host: { type: 'string', default: '127.0.0.1' },
        data: { type: 'string' },
        seed: { type: 'string' },
        user: { type: 'string', default: DEFAULT_USER },
        apikey: { type: 'string', default: DEFAULT_APIKEY },
        'page-size': { type: 'string', default: '25' },
        'client-timeout': { type: 'string', default: '30' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = Number(values.port);
  if (!/^[0-9]+$/.test(values.port) || port > 65535) fail(`--port must be a number from 0 to 65535, not ${values.port}`);
  const pageSize = Number(values['page-size']);
  if (!/^[0-9]+$/.test(values['page-size']) || pageSize < 1 || pageSize > 1000) fail('--page-size must be a number from 1 to 1000');
  const clientTimeout = Number(values['client-timeout']);
  if (!(clientTimeout > 0) || clientTimeout > 3600) fail('--client-timeout must be a number of seconds greater than 0, at most 3600');
  if (values.user === '' || values.apikey === '') fail('--user and --apikey must not be empty');

  let store: Store;
  try {
    const existing = values.data ? loadState(values.data) : undefined;
    const state = existing ?? stateFromSeed(values.seed ? readSeedFile(values.seed) : defaultSeed());
    if (values.data && !existing) saveState(values.data, state);
    store = new Store(state, values.data);
  } catch (err) {
    if (err instanceof StateFileError || (err as NodeJS.ErrnoException).code) fail((err as Error).message, 1);
    throw err;
  }

  const server = createEmulator(store, { user: values.user, apikey: values.apikey, pageSize, clientTimeoutMs: clientTimeout * 1000 });
  let address: string;
  try {
    address = await listen(server, port, values.host);
  } catch (err) {
    fail(`cannot listen on ${values.host}:${port}: ${(err as Error).message}`, 1);
  }
  process.stdout.write(`listening on ${address}\n`);

  // Every change is on disk before it is answered, so there is nothing to wait for.
  const stop = (): void => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
