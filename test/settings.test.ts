// Where the settings come from: the profile (--profile, then TRIGGER_PROFILE, then the one chosen with
// `config use`, then default), and the host and namespace (flags, before or after the command, then the
// environment). Which emulator answers, each accepting one account only, tells which profile was used.
// The built CLI and in-process runs, with temporary config folders, against emulators on loopback.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { triggerCallPath } from '../src/api/paths.js';
import { b64, hooks, startAccount, type Account } from './helpers/account.js';
import { emulatorEnv, runCli, spawnCli, type Result } from './helpers/cli.js';
import { startEmulator, type RunningEmulator } from './helpers/emulator.js';
import { parseTable } from './helpers/expect.js';
import { standardSeed, T_DEPLOY, T_OLD, T_SCALE, WEB_DEMO } from './helpers/fixture.js';
import { deadPort } from './helpers/net.js';
import { configFile, home, mode, readConfig, removeHomes } from './helpers/homes.js';

const accounts: Account[] = [];
const emulators: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(emulators.splice(0).map((e) => e.close()));
});
afterAll(async () => {
  await Promise.all(accounts.map((a) => a.close()));
  removeHomes();
});

/** An emulator of the standard seed, and every request it was sent. */
async function recording(): Promise<{ emu: RunningEmulator; seen: { method: string; url: string }[] }> {
  const emu = await startEmulator({ seed: standardSeed() });
  emulators.push(emu);
  const seen: { method: string; url: string }[] = [];
  emu.server.on('request', (req) => seen.push({ method: req.method ?? '', url: req.url ?? '' }));
  return { emu, seen };
}

// Each test builds on the one before: the profiles are saved, then chosen in each way.
describe('the profile: --profile, then TRIGGER_PROFILE, then config use, then default', () => {
  let alice: Account, bob: Account;
  const h = home();
  const list = async (args: string[], extra: Record<string, string> = {}): Promise<Result> => {
    const r = await spawnCli(['list', 'web', '--json', ...args], { ...h, ...extra });
    return r;
  };

  beforeAll(async () => {
    alice = await startAccount('alice', 'alice-key-J3d', 'alice-hook');
    bob = await startAccount('bob', 'bob-key-M7s', 'bob-hook');
    accounts.push(alice, bob);
  });

  it('login saves each account in its own profile', async () => {
    const a = await spawnCli(['login', '--host', alice.host, '-u', 'alice', '--password-stdin'], { ...h }, `${alice.secret}\n`);
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('profile default');
    const b = await spawnCli(
      ['--profile', 'work', 'login', '--host', bob.host, '-u', 'bob', '--password-stdin'],
      { ...h },
      `${bob.secret}\n`,
    );
    expect(b.code).toBe(0);
    expect(b.stdout).toContain('profile work');
    const saved = readConfig(h);
    expect(saved.profiles?.default).toMatchObject({ user: 'alice', apikey: alice.secret, host: alice.host });
    expect(saved.profiles?.work).toMatchObject({ user: 'bob', apikey: bob.secret, host: bob.host });
    expect(saved.currentProfile).toBeUndefined();
  });

  it('without a choice, the default profile is used', async () => {
    const r = await list([]);
    expect(r.code).toBe(0);
    expect(hooks(r)).toEqual(['alice-hook']);
  });

  it('--profile picks one, even over TRIGGER_PROFILE', async () => {
    const r = await list(['--profile', 'work'], { TRIGGER_PROFILE: 'default' });
    expect(r.code).toBe(0);
    expect(hooks(r)).toEqual(['bob-hook']);
  });

  it('TRIGGER_PROFILE picks one', async () => {
    const r = await list([], { TRIGGER_PROFILE: 'work' });
    expect(r.code).toBe(0);
    expect(hooks(r)).toEqual(['bob-hook']);
  });

  it('config use sets the default profile; TRIGGER_PROFILE still overrides it', async () => {
    const use = await spawnCli(['config', 'use', 'work'], { ...h });
    expect(use.code).toBe(0);
    expect(readConfig(h).currentProfile).toBe('work');
    expect(mode(configFile(h))).toBe(0o600);

    const r = await list([]);
    expect(r.code).toBe(0);
    expect(hooks(r)).toEqual(['bob-hook']);

    const back = await list([], { TRIGGER_PROFILE: 'default' });
    expect(back.code).toBe(0);
    expect(hooks(back)).toEqual(['alice-hook']);
  });

  it('config show names the profile as the source and masks the secret, as text and as JSON', async () => {
    const text = await spawnCli(['--profile', 'default', 'config', 'show'], { ...h });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Profile:\s+default \(from --profile\)$/m);
    expect(text.stdout).toMatch(/^User:\s+alice$/m);
    expect(text.stdout).toContain(alice.host);
    expect(text.stdout).toContain(configFile(h));
    expect(text.stdout).toContain('********');

    const json = await spawnCli(['config', 'show', '--json', '--profile', 'default'], { ...h });
    expect(json.code).toBe(0);
    const shown = JSON.parse(json.stdout);
    expect(shown).toMatchObject({ profile: 'default', host: alice.host, user: 'alice', secret: '********', config_file: configFile(h) });
    expect(shown.credentials).toMatch(/^profile default\b/);
    expect(shown.profiles).toEqual(expect.arrayContaining(['default', 'work']));
    for (const out of [text.stdout, json.stdout]) {
      expect(out).not.toContain(alice.secret);
      expect(out).not.toContain(b64('alice', alice.secret));
    }
  });
});

describe('the host and the namespace', () => {
  it('global options work before and after the subcommand: --host, --namespace', async () => {
    const { emu, seen } = await recording();
    const dead = `http://127.0.0.1:${await deadPort()}`;
    const env = emulatorEnv(dead);
    const [after, before, ns] = await Promise.all([
      spawnCli(['list', 'web.demo', '--host', `${emu.url}/`], env),
      spawnCli(['--host', `${emu.url}/`, 'list', 'web.demo'], env),
      spawnCli(['list', 'web.demo', '-q', '--host', `${emu.url}/`, '--namespace', 'acme'], env),
    ]);
    for (const r of [after, before, ns]) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    expect(parseTable(after.stdout)[0][3]).toBe(`${emu.url}${triggerCallPath(WEB_DEMO, T_DEPLOY)}`);
    expect(before.stdout).toBe(after.stdout);
    expect(ns.stdout).toBe(`${T_DEPLOY}\n${T_SCALE}\n${T_OLD}\n`);
    expect(seen.some((s) => s.url.startsWith('/api/app/v1/acme/service/'))).toBe(true);
    const nsTable = await spawnCli(['list', 'web.demo', '--namespace', 'acme'], emulatorEnv(emu.url));
    expect(nsTable.code).toBe(0);
    expect(parseTable(nsTable.stdout)[0][3]).toBe(`${emu.url}${triggerCallPath(WEB_DEMO, T_DEPLOY, 'acme')}`);
  });

  it('DOCKERCLOUD_NAMESPACE puts the namespace in the URLs; --namespace overrides it', async () => {
    const { emu, seen } = await recording();
    const env = emulatorEnv(emu.url, { DOCKERCLOUD_NAMESPACE: 'team1' });
    const fromEnv = await runCli(['list', 'web.demo', '--no-trunc'], env);
    expect(fromEnv.code).toBe(0);
    expect(parseTable(fromEnv.stdout)[0][3]).toBe(`${emu.url}${triggerCallPath(WEB_DEMO, T_DEPLOY, 'team1')}`);
    const fromFlag = await runCli(['list', 'web.demo', '--namespace', 'team2'], env);
    expect(fromFlag.code).toBe(0);
    expect(fromFlag.stdout).toContain(triggerCallPath(WEB_DEMO, T_DEPLOY, 'team2'));
    expect(seen.every((s) => /^\/api\/app\/v1\/team[12]\//.test(s.url))).toBe(true);
  });
});
