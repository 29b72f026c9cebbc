// Running the CLI: in-process with captured streams (fast, for logic), or as the built binary
// in a subprocess (for the user-visible contract: arguments, output, exit codes).
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../src/main.js';
import type { ContextDeps } from '../../src/context.js';
import type { IO } from '../../src/io.js';
import { recordOutput, registerSecret } from './secrets.js';
import { APIKEY, USER } from './emulator.js';

// The emulator's default credentials are secrets like any other.
registerSecret(APIKEY);
registerSecret(Buffer.from(`${USER}:${APIKEY}`).toString('base64'));

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

/** Runs main() in this process with captured, non-TTY streams. */
export async function runCli(
  args: string[],
  env: Record<string, string | undefined>,
  opts: { stdin?: string; tty?: boolean; columns?: number; deps?: Partial<ContextDeps> } = {},
): Promise<Result> {
  const out = collect();
  const err = collect();
  const io: IO = {
    stdout: out.stream,
    stderr: err.stream,
    stdin: Readable.from([Buffer.from(opts.stdin ?? '')]),
    isTTY: opts.tty ?? false,
    stderrTTY: opts.tty ?? false,
    stdinTTY: false,
    color: false,
    columns: opts.tty ? (opts.columns ?? 80) : undefined,
  };
  const code = await main(args, { io, env: env as NodeJS.ProcessEnv, backoffMs: 1, ...opts.deps });
  recordOutput(args, out.text(), err.text());
  return { code, stdout: out.text(), stderr: err.text() };
}

/** Runs the built CLI (bin/trigger.cjs) as a subprocess with exactly the given environment. */
export function spawnCli(args: string[], env: Record<string, string | undefined>, input?: string): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [TRIGGER_BIN, ...args], {
      env: { PATH: process.env.PATH, ...env } as NodeJS.ProcessEnv,
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
