// Starts the built emulator on a free loopback port for the build, the demo and the benchmark.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

/**
 * Resolves once the emulator listens: `line` is what it printed, `env` points the CLI at it with
 * its default credentials, `pid` is its process, `stop()` ends it.
 */
export async function startEmulator(args = [], dist = 'dist') {
  const child = spawn(process.execPath, [`${dist}/dockercloud-emulator.js`, '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = await once(createInterface({ input: child.stdout }), 'line');
  const url = /listening on (\S+)/.exec(line)?.[1];
  if (!url) {
    child.kill();
    throw new Error(`unexpected emulator output: ${line}`);
  }
  return {
    line,
    host: `${url}/`,
    env: { DOCKERCLOUD_REST_HOST: `${url}/`, DOCKERCLOUD_USER: 'demo', DOCKERCLOUD_APIKEY: 'demo-apikey' },
    pid: child.pid,
    stop: () => child.kill('SIGTERM'),
  };
}
