// dockercloud-emulator: a local Docker Cloud API for trying and testing the trigger CLI offline.
import { VERSION } from '../version.js';
import { HINT, OptionError, parseOptions, USAGE, type Options } from './options.js';
import { createEmulator, DEFAULT_APIKEY, DEFAULT_USER, listen } from './server.js';
import {
  defaultSeed,
  loadState,
  lockDataFile,
  reason,
  removeLeftovers,
  saveState,
  stateFromSeed,
  stateFromSeedFile,
  StateFileError,
  Store,
} from './store.js';

function fail(message: string, code: number, hint?: string): never {
  process.stderr.write(`Error: ${message}\n${hint ? `${hint}\n` : ''}`);
  process.exit(code);
}

/** The state to start from: the data file's, else the seed's (saved as the data file's first state). */
function openStore(options: Options): Store {
  const { data, seed } = options;
  try {
    if (data) {
      process.once('exit', lockDataFile(data));
      removeLeftovers(data);
    }
    const existing = data ? loadState(data) : undefined;
    const state = existing ?? (seed ? stateFromSeedFile(seed) : stateFromSeed(defaultSeed()));
    if (data && !existing) {
      try {
        saveState(data, state);
      } catch (err) {
        throw new StateFileError(`cannot save ${data}: ${reason(err)}`);
      }
    }
    return new Store(state, data);
  } catch (err) {
    if (err instanceof StateFileError) fail(err.message, 1);
    throw err;
  }
}

export async function main(argv: string[]): Promise<void> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(argv);
  } catch (err) {
    if (err instanceof OptionError) fail(err.message, 2, HINT);
    throw err;
  }
  if (options === 'help') return void process.stdout.write(`${USAGE}\n`);
  if (options === 'version') return void process.stdout.write(`${VERSION}\n`);

  const store = openStore(options);
  const server = createEmulator(store, options);
  let address: string;
  try {
    address = await listen(server, options.port, options.host);
  } catch (err) {
    fail(`cannot listen on ${options.host}:${options.port}: ${reason(err)}`, 1);
  }
  // Every change is on disk before it is answered, so there is nothing to wait for. Set before the
  // ready line, so that whoever reads it can stop the emulator at once.
  const stop = (): void => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const demo = options.user === DEFAULT_USER && options.apikey === DEFAULT_APIKEY;
  process.stdout.write(`listening on ${address}${demo ? ` (user ${DEFAULT_USER}, API key ${DEFAULT_APIKEY})` : ''}\n`);
}
