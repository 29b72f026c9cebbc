// Output that cannot be written is never lost in silence: the built CLI with its stdout on a full device
// (/dev/full), or on a descriptor open for reading only, says so on stderr and exits 1, even
// when the command did its work. A reader that goes away (a closed pipe) stays a quiet exit, with the
// exit code of the command.
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, constants, openSync, statSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { WholeWrites } from '../src/io.js';
import { emulatorEnv, startCli, tempHome, TRIGGER_BIN } from './helpers/cli.js';
import { startEmulator, type RunningEmulator } from './helpers/emulator.js';
import { T_OLD, WEB_DEMO, webDemo } from './helpers/fixture.js';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ seed: [webDemo()] });
});
afterAll(() => emu.close());

const FULL = 'Error: cannot write the output: no space left on the device\n';
const NOT_WRITABLE = 'Error: cannot write the output: standard output is not open for writing\n';

/** Runs the built CLI with stdout opened on `path` with `flags`. */
async function withStdoutOn(
  path: string,
  flags: string,
  args: string[],
  env = emulatorEnv(emu.url),
): Promise<{ code: number; stderr: string }> {
  const fd = openSync(path, flags);
  try {
    const { code, stderr } = await startCli(args, env, { stdio: ['ignore', fd, 'pipe'] }).done;
    return { code, stderr };
  } finally {
    closeSync(fd);
  }
}

const names = (): string[] => emu.store.service(WEB_DEMO)!.triggers.map((t) => t.name);

describe('a failed write to stdout', () => {
  it('on a full device: list, list --json, inspect exit 1 and say why', async () => {
    for (const args of [
      ['list', 'web'],
      ['list', 'web', '--json'],
      ['inspect', 'web', 'deploy-hook'],
    ]) {
      expect({ args, ...(await withStdoutOn('/dev/full', 'w', args)) }).toEqual({ args, code: 1, stderr: FULL });
    }
  });

  it('create -q on a full device made the trigger but lost its UUID: exit 1', async () => {
    expect(await withStdoutOn('/dev/full', 'w', ['create', 'web', '-n', 'lost-uuid', '-q'])).toEqual({ code: 1, stderr: FULL });
    expect(names()).toContain('lost-uuid');
  });

  it('rm on a full device removed the trigger but could not say so: exit 1', async () => {
    expect(await withStdoutOn('/dev/full', 'w', ['rm', 'web', T_OLD])).toEqual({ code: 1, stderr: FULL });
    expect(names()).not.toContain('old');
  });

  it('--version and --help (answered before the rest loads) too', async () => {
    for (const args of [['--version'], ['--help'], ['list', '--help']]) {
      expect({ args, ...(await withStdoutOn('/dev/full', 'w', args, tempHome())) }).toEqual({ args, code: 1, stderr: FULL });
    }
  });

  it('on a descriptor open for reading only (EBADF)', async () => {
    expect(await withStdoutOn('/dev/null', 'r', ['list', 'web'])).toEqual({ code: 1, stderr: NOT_WRITABLE });
  });

  it('a command that failed keeps its own exit code, and both are reported', async () => {
    // inspect prints its array, empty here, before it reports what it could not find.
    const r = await withStdoutOn('/dev/full', 'w', ['inspect', 'web', 'no-such-hook']);
    expect(r.code).toBe(4);
    expect(r.stderr).toBe(`Error: cannot find a trigger with the identifier 'no-such-hook' in service web.demo\n${FULL}`);
  });

  it('stdout on /dev/null (written, then discarded) is no error, also opened read-write as stdio "ignore" opens it', async () => {
    expect(await withStdoutOn('/dev/null', 'w', ['list', 'web'])).toEqual({ code: 0, stderr: '' });
    expect(await withStdoutOn('/dev/null', 'r+', ['list', 'web'])).toEqual({ code: 0, stderr: '' });
  });
});

describe('a write the disk cuts short', () => {
  // A file size limit (`ulimit -f`, in blocks of 1024 bytes) stops a write where a disk that fills up
  // would: the write that reaches it is cut short, and the next one fails with EFBIG (Node ignores the
  // SIGXFSZ that comes with it). The output is longer than the limit, so what was cut is never lost in silence.
  const TOO_LARGE = 'Error: cannot write the output: the file is too large\n';
  const many = Array.from({ length: 60 }, (_, i) => ({
    uuid: `e${String(i).padStart(7, '0')}-0000-4000-8000-${String(i).padStart(12, '0')}`,
    name: `a-rather-long-trigger-name-${i}`,
    operation: 'REDEPLOY',
  }));
  let big: RunningEmulator;
  beforeAll(async () => {
    big = await startEmulator({ seed: [webDemo(...many)] });
  });
  afterAll(() => big.close());

  /** Runs the built CLI under `ulimit -f blocks`, its stdout on a file; the exit, stderr, and how much of the output the file holds. */
  async function limited(
    blocks: number,
    args: string[],
    env = emulatorEnv(big.url),
  ): Promise<{ code: number; stderr: string; size: number }> {
    const file = join(tempHome().HOME, 'out');
    const { code, stderr } = await startCli(args, env, {
      stdio: ['ignore', 'ignore', 'pipe'],
      command: (argv) => ['bash', ['-c', `ulimit -f ${blocks} && exec "$@" > "$0"`, file, ...argv]],
    }).done;
    return { code, stderr, size: statSync(file).size };
  }

  it('list (table, --json, --format json) and inspect exit 1 and say why, the file cut at the limit', async () => {
    const names = many.map((t) => t.name);
    for (const args of [
      ['list', 'web'],
      ['list', 'web', '--json'],
      ['list', 'web', '--format', 'json'],
      ['inspect', 'web', ...names],
    ]) {
      expect({ args, ...(await limited(4, args)) }).toEqual({ args, code: 1, stderr: TOO_LARGE, size: 4096 });
    }
  });

  it('--help, answered before the rest loads, too', async () => {
    expect(await limited(1, ['--help'], tempHome())).toEqual({ code: 1, stderr: TOO_LARGE, size: 1024 });
  });

  it('within the limit, all of it is written and the run exits 0', async () => {
    const r = await limited(64, ['list', 'web', '--json']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.size).toBeGreaterThan(4096);
  });
});

describe('the stream that writes every byte', () => {
  it('waits out EAGAIN: a non-blocking pipe that is read more slowly than it is written gets every byte, in order', async () => {
    const fifo = join(tempHome().HOME, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const readFd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writeFd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    const reader = new Socket({ fd: readFd, readable: true, writable: false });
    const received: Buffer[] = [];
    reader.on('data', (c: Buffer) => received.push(c));
    const ended = once(reader, 'end');
    // Far more than a pipe holds (64 KiB): writes are cut short, then refused with EAGAIN until the reader catches up.
    const data = randomBytes(1 << 20);
    const out = new WholeWrites(writeFd);
    await new Promise<void>((resolve, reject) => out.end(data, (err?: Error | null) => (err ? reject(err) : resolve())));
    closeSync(writeFd);
    await ended;
    expect(Buffer.concat(received).equals(data)).toBe(true);
  });
});

describe('a reader that goes away', () => {
  it('a closed stdout (reader gone) does not crash with a stack trace', async () => {
    // Its own emulator: the tests above removed a trigger this one removes.
    const emu = await startEmulator({ seed: [webDemo()] });
    onTestFinished(() => emu.close());
    const closedStdout = (args: string[], env: Record<string, string>): Promise<{ stderr: string; code: number | null }> =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [TRIGGER_BIN, ...args], {
          env: { PATH: process.env.PATH, ...env },
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        child.stdout.destroy();
        const err: Buffer[] = [];
        child.stderr.on('data', (c: Buffer) => err.push(c));
        child.on('error', reject);
        child.on('close', (code) => resolve({ stderr: Buffer.concat(err).toString('utf8'), code }));
        child.stdin.end();
      });
    const results = await Promise.all([
      closedStdout(['--help'], tempHome()),
      closedStdout(['list', 'web.demo'], emulatorEnv(emu.url)),
      closedStdout(['rm', 'web.demo', 'old', 'nosuch'], emulatorEnv(emu.url)),
    ]);
    for (const result of results) {
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expect(result.stderr).not.toContain('Unhandled');
      expect(result.stderr).not.toContain('EPIPE');
    }
    // The exit code still says how the command went.
    expect(results.map((r) => r.code)).toEqual([0, 0, 1]);
    expect(results[2].stderr).toContain("cannot find a trigger with the identifier 'nosuch'");
  });
});
