// The built emulator as a process (`node bin/dockercloud-emulator.js`; run `npm run build` first), for
// tests of what only a process shows: options, start-up checks, exit codes, standard output and error.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const EMULATOR_BIN = join(ROOT, 'bin', 'dockercloud-emulator.js');
export const EMULATOR_DIST = join(ROOT, 'dist', 'dockercloud-emulator.js');
/** The ready line; it names the credentials only when they are the public demo ones. */
export const LISTENING_RE = /^listening on http:\/\/127\.0\.0\.1:([0-9]+)(?: \(user demo, API key demo-apikey\))?$/;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface EmulatorRun {
  child: ChildProcess;
  /** Everything written to stdout/stderr so far. */
  stdout(): string;
  stderr(): string;
  exited: Promise<Exit>;
}

export interface EmulatorProcess extends EmulatorRun {
  url: string;
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

const children: ChildProcess[] = [];
const tmpDirs: string[] = [];

/** Kills what the test started and removes its folders; call from afterEach. */
export async function cleanUpProcesses(): Promise<void> {
  await Promise.all(
    children.splice(0).map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
  for (const dir of tmpDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dc-emulator-test-'));
  tmpDirs.push(dir);
  return dir;
}

export interface RunOptions {
  /** In 512-byte blocks: no file the emulator writes may grow larger, as on a full disk. */
  fileSizeLimit?: number;
  /** Variables added to the environment (TZ, say). */
  env?: Record<string, string>;
}

/** Spawns the emulator and collects its output; `exited` settles when the process ends. */
export function runEmulator(args: string[], opts: RunOptions = {}): EmulatorRun {
  const spawnOptions: SpawnOptions = { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } };
  const child: ChildProcess =
    opts.fileSizeLimit === undefined
      ? spawn(process.execPath, [EMULATOR_BIN, ...args], spawnOptions)
      : spawn(
          '/bin/sh',
          ['-c', `ulimit -f ${opts.fileSizeLimit} && exec "$0" "$@"`, process.execPath, EMULATOR_BIN, ...args],
          spawnOptions,
        );
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<Exit>((resolve, reject) => {
    child.once('error', reject);
    // 'close' comes after the output streams have ended, so stdout()/stderr() are complete.
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Spawns the emulator with `--port 0` and resolves once it prints its ready line. */
export async function startEmulatorProcess(args: string[] = [], opts: RunOptions = {}): Promise<EmulatorProcess> {
  const p = runEmulator(['--port', '0', ...args], opts);
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: string): void => {
      buffered += chunk;
      const nl = buffered.indexOf('\n');
      if (nl < 0) return;
      p.child.stdout!.off('data', onData);
      const line = buffered.slice(0, nl);
      const m = LISTENING_RE.exec(line);
      if (!m) return reject(new Error(`unexpected first line: ${JSON.stringify(line)}`));
      resolve(`http://127.0.0.1:${m[1]}`);
    };
    p.child.stdout!.on('data', onData);
    p.exited.then((e) => reject(new Error(`emulator exited (${e.code ?? e.signal}) before listening: ${p.stderr()}`)), reject);
  });
  return {
    ...p,
    url,
    stop: (signal: NodeJS.Signals = 'SIGTERM') => {
      p.child.kill(signal);
      return p.exited;
    },
  };
}
