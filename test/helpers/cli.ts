// Running the CLI: in-process with captured streams (fast, for logic), or as the built binary
// in a subprocess (for the user-visible contract: arguments, output, exit codes).
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../src/main.js';
import type { ContextDeps } from '../../src/context.js';
import type { IO } from '../../src/io.js';
import { b64 } from './account.js';
import { recordOutput, registerSecret } from './secrets.js';
import { APIKEY, USER } from './emulator.js';

// The emulator's default credentials are secrets like any other.
registerSecret(APIKEY);
registerSecret(b64(USER, APIKEY));

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export const ROOT = resolve(import.meta.dirname, '../..');
export const TRIGGER_BIN = join(ROOT, 'bin/trigger.cjs');

/** A fresh HOME and config folder, so no test touches the user's real files. */
export function tempHome(): { HOME: string; TRIGGER_CONFIG_DIR: string; XDG_CONFIG_HOME: string } {
  const home = mkdtempSync(join(tmpdir(), 'trigger-test-'));
  return { HOME: home, TRIGGER_CONFIG_DIR: join(home, 'config'), XDG_CONFIG_HOME: join(home, '.config') };
}

/** Environment for talking to an emulator at `url` with its default credentials. */
export function emulatorEnv(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...tempHome(),
    DOCKERCLOUD_REST_HOST: `${url}/`,
    DOCKERCLOUD_USER: 'demo',
    DOCKERCLOUD_APIKEY: 'demo-apikey',
    ...extra,
  };
}

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Streams for an in-process run: nothing on stdin, no terminal, no colour (unless `opts` say so); what was written kept. */
export function memoryIO(opts: Partial<IO> = {}): IO & { output: () => string; errors: () => string } {
  const out = collect();
  const err = collect();
  return {
    stdout: out.stream,
    stderr: err.stream,
    stdin: Readable.from([]),
    isTTY: false,
    stderrTTY: false,
    stdinTTY: false,
    color: false,
    columns: undefined,
    ...opts,
    output: out.text,
    errors: err.text,
  };
}

/** Runs main() in this process with captured, non-TTY streams. */
export async function runCli(
  args: string[],
  env: Record<string, string | undefined>,
  opts: { stdin?: string; tty?: boolean; columns?: number; deps?: Partial<ContextDeps> } = {},
): Promise<Result> {
  const io = memoryIO({
    stdin: Readable.from([Buffer.from(opts.stdin ?? '')]),
    isTTY: opts.tty ?? false,
    stderrTTY: opts.tty ?? false,
    columns: opts.tty ? (opts.columns ?? 80) : undefined,
  });
  const code = await main(args, { io, env: env, backoffMs: 1, ...opts.deps });
  recordOutput(args, io.output(), io.errors());
  return { code, stdout: io.output(), stderr: io.errors() };
}

/** Runs the built CLI (bin/trigger.cjs) as a subprocess with exactly the given environment. */
export function spawnCli(args: string[], env: Record<string, string | undefined>, input?: string): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [TRIGGER_BIN, ...args], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      const result = { code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
      recordOutput(args, result.stdout, result.stderr);
      resolvePromise(result);
    });
    child.stdin.end(input ?? '');
  });
}

/** A run of the built CLI that a test watches while it runs: signals, output so far, stdio of its choosing. */
export interface RunningCli {
  child: ChildProcess;
  /** What it printed so far (empty for a stream that is not a pipe). */
  output(): { stdout: string; stderr: string };
  /** Resolves once `ready` holds for the output so far; rejects when the process ends first. */
  waitForOutput(ready: (out: { stdout: string; stderr: string }) => boolean): Promise<void>;
  /** Settles when the process has ended and its streams are closed. */
  done: Promise<Result & { signal: NodeJS.Signals | null }>;
}

/**
 * Starts the built CLI (bin/trigger.cjs) with exactly the given environment. `stdio` defaults to
 * pipes; `command` replaces the node binary and bin path, e.g. to run it under bash with a redirect.
 */
export function startCli(
  args: string[],
  env: Record<string, string | undefined>,
  opts: { stdio?: StdioOptions; command?: (argv: string[]) => [string, string[]] } = {},
): RunningCli {
  const argv = [process.execPath, TRIGGER_BIN, ...args];
  const [file, rest] = opts.command ? opts.command(argv) : [argv[0], argv.slice(1)];
  const child = spawn(file, rest, {
    env: { PATH: process.env.PATH, ...env },
    stdio: opts.stdio ?? ['pipe', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const watchers = new Set<() => void>();
  const output = (): { stdout: string; stderr: string } => ({
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
  });
  const changed = (): void => watchers.forEach((w) => w());
  child.stdout?.on('data', (c: Buffer) => (out.push(c), changed()));
  child.stderr?.on('data', (c: Buffer) => (err.push(c), changed()));
  let ended = false;
  const done = new Promise<Result & { signal: NodeJS.Signals | null }>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      ended = true;
      changed();
      const result = { code: code ?? -1, signal, ...output() };
      recordOutput(args, result.stdout, result.stderr);
      resolvePromise(result);
    });
  });
  const waitForOutput = (ready: (o: { stdout: string; stderr: string }) => boolean): Promise<void> =>
    new Promise((resolvePromise, reject) => {
      const check = (): void => {
        const o = output();
        if (ready(o)) resolvePromise();
        else if (ended) reject(new Error(`the CLI ended first:\n${o.stdout}\n${o.stderr}`));
        else return;
        watchers.delete(check);
      };
      watchers.add(check);
      check();
    });
  return { child, output, waitForOutput, done };
}
