// Runs that change the config file at the same time: each change is made under the lock file next
// to it, so none is lost; a lock that cannot be had is a clear failure, and one left by a run that is
// gone is taken over. The built CLI spawned in parallel, the emulator on loopback, real files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { runCli, spawnCli, startCli, type Result } from './helpers/cli.js';
import { APIKEY, startEmulator, USER, type RunningEmulator } from './helpers/emulator.js';
import { configFile, home, mode, readConfig, removeHomes, writeConfig, type Home } from './helpers/homes.js';
import { deadPid } from './helpers/net.js';

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator();
});

afterAll(async () => {
  await emu.close();
  removeHomes();
});

const lockFile = (h: Home): string => `${configFile(h)}.lock`;
const firstLine = (r: Result): string => r.stderr.split('\n')[0];

/** A config file with one profile, and a lock file holding `lock`. */
function lockedHome(lock: string): { h: Home; text: string } {
  const h = home();
  const text = JSON.stringify({ profiles: { default: { timeout: 9 } } });
  writeConfig(h, text);
  writeFileSync(lockFile(h), lock);
  return { h, text };
}

const lockOf = (pid: number, host = hostname()): string => JSON.stringify({ pid, host, time: new Date().toISOString() });

describe('runs that change the config file at the same time', () => {
  it('20 runs of config set, each in a profile of its own, leave 20 profiles', async () => {
    const h = home();
    const n = 20;
    const runs = await Promise.all(
      Array.from({ length: n }, (_, i) => spawnCli(['--profile', `p${i + 1}`, 'config', 'set', 'timeout', String(i + 1)], { ...h })),
    );
    for (const r of runs) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    const profiles = readConfig(h).profiles ?? {};
    expect(Object.keys(profiles)).toHaveLength(n);
    for (let i = 1; i <= n; i++) expect(profiles[`p${i}`]).toEqual({ timeout: i });
    expect(readdirSync(h.TRIGGER_CONFIG_DIR)).toEqual(['config.json']);
    expect(mode(configFile(h))).toBe(0o600);
  });

  it('10 logins at once, each into a profile of its own, leave 10 profiles with their credentials', async () => {
    const h = home();
    const n = 10;
    const runs = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        spawnCli(['--profile', `l${i + 1}`, '--host', `${emu.url}/`, 'login', '-u', USER, '--password-stdin'], { ...h }, APIKEY),
      ),
    );
    for (const r of runs) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    const profiles = readConfig(h).profiles ?? {};
    expect(Object.keys(profiles)).toHaveLength(n);
    for (let i = 1; i <= n; i++) expect(profiles[`l${i}`]).toMatchObject({ user: USER, apikey: APIKEY });
    expect(readdirSync(h.TRIGGER_CONFIG_DIR)).toEqual(['config.json']);
  });
});

describe('the lock file', () => {
  it('held by a run that is alive: waited for, then exit 1 naming the lock file; nothing changed, the lock kept', async () => {
    const lock = lockOf(process.pid);
    const { h, text } = lockedHome(lock);
    const r = await runCli(['config', 'set', 'timeout', '5'], { ...h }, { deps: { lockWaitMs: 50 } });
    expect(r.code).toBe(1);
    expect(firstLine(r)).toBe(
      `Error: cannot change config file ${configFile(h)}: another run of trigger (process ${process.pid}) holds its lock file ${lockFile(h)}`,
    );
    expect(r.stderr.split('\n')[1]).toBe(`Try again; if no other trigger is running, remove ${lockFile(h)}.`);
    expect(r.stdout).toBe('');
    expect(readFileSync(configFile(h), 'utf8')).toBe(text);
    expect(readFileSync(lockFile(h), 'utf8')).toBe(lock);
  });

  it('held by a run on another machine, its process unknown here: waited for', async () => {
    const { h, text } = lockedHome(lockOf(await deadPid(), 'elsewhere.invalid'));
    const r = await runCli(['config', 'set', 'timeout', '5'], { ...h }, { deps: { lockWaitMs: 50 } });
    expect(r.code).toBe(1);
    expect(firstLine(r)).toMatch(/^Error: cannot change config file .*holds its lock file/);
    expect(readFileSync(configFile(h), 'utf8')).toBe(text);
  });

  it('being written (empty) by a run that just made it: waited for', async () => {
    const { h, text } = lockedHome('');
    const r = await runCli(
      ['login', '-u', USER, '--password-stdin', '--host', `${emu.url}/`],
      { ...h },
      { stdin: APIKEY, deps: { lockWaitMs: 50 } },
    );
    expect(r.code).toBe(1);
    expect(firstLine(r)).toBe(
      `Error: cannot change config file ${configFile(h)}: another run of trigger holds its lock file ${lockFile(h)}`,
    );
    expect(readFileSync(configFile(h), 'utf8')).toBe(text);
  });

  it('left by a run that has ended: taken over, the change saved, no lock left', async () => {
    const { h } = lockedHome(lockOf(await deadPid()));
    const r = await runCli(['--profile', 'other', 'config', 'set', 'timeout', '5'], { ...h }, { deps: { lockWaitMs: 50 } });
    expect(r.code, r.stderr).toBe(0);
    expect(readConfig(h).profiles).toEqual({ default: { timeout: 9 }, other: { timeout: 5 } });
    expect(readdirSync(h.TRIGGER_CONFIG_DIR)).toEqual(['config.json']);
  });

  it('older than any change takes, whoever holds it: taken over', async () => {
    const { h } = lockedHome(lockOf(process.pid));
    const hourAgo = new Date(Date.now() - 3600_000);
    utimesSync(lockFile(h), hourAgo, hourAgo);
    const r = await runCli(['config', 'set', 'timeout', '5'], { ...h }, { deps: { lockWaitMs: 50 } });
    expect(r.code, r.stderr).toBe(0);
    expect(readConfig(h).profiles).toEqual({ default: { timeout: 5 } });
    expect(readdirSync(h.TRIGGER_CONFIG_DIR)).toEqual(['config.json']);
  });
});

describe('a lock file that cannot be written, or is not a file', () => {
  it('one this run made but could not write (a full disk) is removed: the next run is not kept waiting', async () => {
    const h = home();
    // A file size limit of 0 makes every write fail as a full disk does, after the file is made.
    const full = startCli(
      ['config', 'set', 'timeout', '5'],
      { ...h },
      { command: ([node, ...args]) => ['bash', ['-c', 'ulimit -f 0; exec "$@"', 'bash', node, ...args]] },
    );
    const r = await full.done;
    expect(r.code).toBe(1);
    expect(firstLine(r)).toMatch(new RegExp(`^Error: cannot write config file ${configFile(h)}: cannot make its lock file \\(.+\\)$`));
    expect(readdirSync(h.TRIGGER_CONFIG_DIR)).toEqual([]);
    const next = await runCli(['config', 'set', 'timeout', '5'], { ...h }, { deps: { lockWaitMs: 50 } });
    expect(next.code, next.stderr).toBe(0);
    expect(readConfig(h).profiles).toEqual({ default: { timeout: 5 } });
  });

  it.each([
    { name: 'a folder', make: (path: string) => mkdirSync(path), says: 'is a folder' },
    {
      name: 'a folder older than any lock',
      make: (path: string) => (mkdirSync(path), utimesSync(path, new Date(0), new Date(0))),
      says: 'is a folder',
    },
    { name: 'a symlink', make: (path: string) => symlinkSync('/nowhere', path), says: 'is a symlink' },
  ])('$name: refused with a clear message, and left where it is; the config file unchanged', async ({ make, says }) => {
    const h = home();
    mkdirSync(h.TRIGGER_CONFIG_DIR, { recursive: true, mode: 0o700 });
    const text = JSON.stringify({ profiles: { default: { timeout: 9 } } });
    writeFileSync(configFile(h), text, { mode: 0o600 });
    make(lockFile(h));
    const r = await runCli(['config', 'set', 'timeout', '5'], { ...h }, { deps: { lockWaitMs: 50 } });
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')).toEqual([
      `Error: cannot change config file ${configFile(h)}: its lock file ${lockFile(h)} ${says}`,
      `trigger makes its lock file itself, and removes it when done: remove ${lockFile(h)}.`,
      '',
    ]);
    expect(readFileSync(configFile(h), 'utf8')).toBe(text);
    expect(readdirSync(h.TRIGGER_CONFIG_DIR).sort()).toEqual(['config.json', 'config.json.lock']);
  });
});
