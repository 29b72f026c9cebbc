// Output that cannot be written is never lost in silence: the built CLI with its stdout on a full device
// (/dev/full), or on a descriptor open for reading only, says so on stderr and exits 1, even
// when the command did its work. A reader that goes away (a closed pipe) stays a quiet exit, with the
// exit code of the command.
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
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
async function withStdoutOn(path: string, flags: string, args: string[], env = emulatorEnv(emu.url)): Promise<{ code: number; stderr: string }> {
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
    for (const args of [['list', 'web'], ['list', 'web', '--json'], ['inspect', 'web', 'deploy-hook']]) {
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

describe('a reader that goes away', () => {
  it('a closed stdout (reader gone) does not crash with a stack trace', async () => {
    // Its own emulator: the tests above removed a trigger this one removes.
    const emu = await startEmulator({ seed: [webDemo()] });
    onTestFinished(() => emu.close());
    const closedStdout = (args: string[], env: Record<string, string>): Promise<{ stderr: string; code: number | null }> =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [TRIGGER_BIN, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
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
    expect(results[2]!.stderr).toContain("cannot find a trigger with the identifier 'nosuch'");
  });
});
