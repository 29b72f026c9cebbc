// `trigger config` and profiles: `config set` and `unset` change one setting of the profile (the file
// kept 0600 in a 0700 folder), and refuse an unknown key or a bad value without changing anything; a
// profile that does not exist is an error naming those that do (exit 2), wherever its name came from,
// except for `login` and `config set`, which make it; and `config show` tells where each setting came
// from. The built CLI, with a temporary config folder, against the emulator on loopback, which records
// every request it is sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { spawnCli, type Result } from '../helpers/cli.js';
import { APIKEY, startEmulator, USER, type RunningEmulator } from '../helpers/emulator.js';
import { configFile, home, mode, readConfig, removeHomes, writeConfig, type Home } from '../helpers/homes.js';

let emu: RunningEmulator;
let host: string;
const requests: string[] = [];

beforeAll(async () => {
  emu = await startEmulator();
  host = `${emu.url}/`;
  emu.server.on('request', (req) => requests.push(`${req.method} ${req.url}`));
});
afterAll(async () => {
  await emu.close();
  removeHomes();
});

/** A home whose config file holds `content`; returns the home and the file's text. */
function withConfig(content: unknown): { h: Home; text: string } {
  const h = home();
  const text = JSON.stringify(content, null, 2);
  writeConfig(h, text);
  return { h, text };
}

/** Two saved profiles: work (with credentials for the emulator) and ci. */
const SAVED = () => ({ profiles: { work: { user: USER, apikey: APIKEY, host, loginHost: host }, ci: { timeout: 9 } } });

const lines = (r: Result): string[] => r.stderr.split('\n');

describe('config set and unset', () => {
  const h = home();

  it('set stores host, timeout, insecure and namespace in the profile, file 0600 in a folder made 0700', async () => {
    mkdirSync(h.TRIGGER_CONFIG_DIR, { mode: 0o755 });
    chmodSync(h.TRIGGER_CONFIG_DIR, 0o755);
    const host = await spawnCli(['config', 'set', 'host', 'http://127.0.0.1:9/'], { ...h });
    expect(host.code).toBe(0);
    expect(mode(configFile(h))).toBe(0o600);
    expect(mode(h.TRIGGER_CONFIG_DIR)).toBe(0o700);

    expect((await spawnCli(['config', 'set', 'timeout', '12.5'], { ...h })).code).toBe(0);
    expect((await spawnCli(['config', 'set', 'insecure', 'yes'], { ...h })).code).toBe(0);
    expect((await spawnCli(['--profile', 'work', 'config', 'set', 'namespace', 'acme'], { ...h })).code).toBe(0);

    const saved = readConfig(h);
    expect(saved.profiles?.default).toEqual({ host: 'http://127.0.0.1:9/', timeout: 12.5, insecure: true });
    expect(saved.profiles?.work).toEqual({ namespace: 'acme' });
    expect(mode(configFile(h))).toBe(0o600);
    expect(readdirSync(h.TRIGGER_CONFIG_DIR)).toEqual(['config.json']);
  });

  it('unset removes one setting and keeps the others', async () => {
    const r = await spawnCli(['config', 'unset', 'host'], { ...h });
    expect(r.code).toBe(0);
    expect(readConfig(h).profiles?.default).toEqual({ timeout: 12.5, insecure: true });
    expect(mode(configFile(h))).toBe(0o600);
  });

  it.each([
    { name: 'set of an unknown key', args: ['config', 'set', 'color', 'true'], message: /unknown setting 'color'/ },
    {
      name: 'set host to a URL that is not http(s)',
      args: ['config', 'set', 'host', 'ftp://127.0.0.1/'],
      message: /host must be an http\(s\) URL/,
    },
    { name: 'set timeout to a word', args: ['config', 'set', 'timeout', 'soon'], message: /timeout must be a number/ },
    { name: 'unset of an unknown key', args: ['config', 'unset', 'apikey'], message: /unknown setting 'apikey'/ },
    { name: 'set of a name every object has', args: ['config', 'set', 'toString', 'x'], message: /unknown setting 'toString'/ },
    { name: 'set of __proto__', args: ['config', 'set', '__proto__', 'x'], message: /unknown setting '__proto__'/ },
  ])('$name is a usage error (exit 2) that changes nothing', async ({ args, message }) => {
    const before = readFileSync(configFile(h), 'utf8');
    const r = await spawnCli(args, { ...h });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Error: /);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(readFileSync(configFile(h), 'utf8')).toBe(before);
  });
});

describe('a profile that does not exist', () => {
  const MISTYPED = [
    { name: '--profile', args: ['--profile', 'wrok'], env: {}, line: "Error: unknown profile 'wrok': the profiles are default, work, ci" },
    {
      name: 'TRIGGER_PROFILE',
      args: [],
      env: { TRIGGER_PROFILE: 'wrok' },
      line: "Error: unknown profile 'wrok' (from TRIGGER_PROFILE): the profiles are default, work, ci",
    },
  ];

  it.each(MISTYPED)(
    'named by $name is a usage error naming the profiles, with how to create it; nothing is sent',
    async ({ args, env, line }) => {
      for (const command of [['list', 'web'], ['config', 'show'], ['config', 'show', '--json'], ['logout'], ['config', 'unset', 'host']]) {
        const { h, text } = withConfig(SAVED());
        const before = requests.length;
        // Credentials and host from the environment: the profile is still refused.
        const r = await spawnCli([...args, ...command], {
          ...h,
          ...env,
          DOCKERCLOUD_REST_HOST: host,
          DOCKERCLOUD_USER: USER,
          DOCKERCLOUD_APIKEY: APIKEY,
        });
        expect(r.code, command.join(' ')).toBe(2);
        expect(lines(r)).toEqual([
          line,
          "Create it with 'trigger --profile wrok login', or without credentials with 'trigger --profile wrok config set KEY VALUE'.",
          '',
        ]);
        expect(r.stdout).toBe('');
        expect(requests.length).toBe(before);
        expect(readFileSync(configFile(h), 'utf8')).toBe(text);
      }
    },
  );

  it('chosen earlier with config use, and gone from the file since: the error says so and how to choose another', async () => {
    const { h } = withConfig({ ...SAVED(), currentProfile: 'gone' });
    const r = await spawnCli(['config', 'show'], { ...h });
    expect(r.code).toBe(2);
    expect(lines(r)).toEqual([
      "Error: unknown profile 'gone' (the current one, chosen with 'trigger config use'): the profiles are default, work, ci",
      "Choose one with 'trigger config use NAME', or create this one with 'trigger login'.",
      '',
    ]);
    const back = await spawnCli(['config', 'use', 'default'], { ...h });
    expect(back.code, back.stderr).toBe(0);
    expect((await spawnCli(['config', 'show'], { ...h })).code).toBe(0);
  });

  it('config use of an unknown profile is the same usage error, and changes nothing', async () => {
    const { h, text } = withConfig(SAVED());
    const r = await spawnCli(['config', 'use', 'wrok'], { ...h });
    expect(r.code).toBe(2);
    expect(lines(r)[0]).toBe("Error: unknown profile 'wrok': the profiles are default, work, ci");
    expect(readFileSync(configFile(h), 'utf8')).toBe(text);
  });

  it('default always exists, saved or not, with no config file at all', async () => {
    const h = home();
    for (const r of [
      await spawnCli(['--profile', 'default', 'config', 'show', '--json'], { ...h }),
      await spawnCli(['config', 'show', '--json'], { ...h, TRIGGER_PROFILE: 'default' }),
    ]) {
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ profile: 'default', profiles: ['default'] });
    }
    const logout = await spawnCli(['logout'], { ...h });
    expect(logout.code, logout.stderr).toBe(0);
    expect(existsSync(configFile(h))).toBe(false);
  });

  it('config set makes it, without credentials; the profile then exists for every command', async () => {
    const { h } = withConfig(SAVED());
    expect((await spawnCli(['--profile', 'staging', 'config', 'show'], { ...h })).code).toBe(2);
    const set = await spawnCli(['--profile', 'staging', 'config', 'set', 'namespace', 'acme'], { ...h });
    expect(set.code, set.stderr).toBe(0);
    const shown = await spawnCli(['config', 'show', '--json'], { ...h, TRIGGER_PROFILE: 'staging' });
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      profile: 'staging',
      namespace: 'acme',
      credentials: null,
      profiles: ['default', 'work', 'ci', 'staging'],
    });
  });

  it('the list of profiles in the error is cut after ten', async () => {
    const profiles = Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`p${i + 1}`, {}]));
    const { h } = withConfig({ profiles });
    const r = await spawnCli(['--profile', 'nope', 'config', 'show'], { ...h });
    expect(r.code).toBe(2);
    expect(lines(r)[0]).toBe("Error: unknown profile 'nope': the profiles are default, p1, p2, p3, p4, p5, p6, p7, p8, p9, … (15 in all)");
  });
});

describe('config show tells where each setting came from', () => {
  it('flag, environment variable, profile and default, in text and in JSON', async () => {
    const { h } = withConfig({ profiles: { work: { host, timeout: 9 } } });
    const env = { ...h, TRIGGER_PROFILE: 'work', DOCKERCLOUD_NAMESPACE: 'acme' };
    const text = await spawnCli(['config', 'show', '--insecure'], env);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.split('\n').slice(0, 6)).toEqual([
      'Profile:     work (from TRIGGER_PROFILE)',
      'Profiles:    default, work',
      `Host:        ${host} (from profile work)`,
      'Namespace:   acme (from DOCKERCLOUD_NAMESPACE)',
      'Timeout:     9 s (from profile work)',
      'Insecure:    true (from --insecure)',
    ]);

    const json = await spawnCli(['config', 'show', '--json', '--insecure'], env);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      profile: 'work',
      host,
      namespace: 'acme',
      timeout: 9,
      insecure: true,
      sources: {
        profile: 'TRIGGER_PROFILE',
        host: 'profile work',
        namespace: 'DOCKERCLOUD_NAMESPACE',
        timeout: 'profile work',
        insecure: '--insecure',
      },
    });
  });

  it('the other flags and variables, and the defaults', async () => {
    const { h } = withConfig({ currentProfile: 'work', profiles: { work: { namespace: 'saved' } } });
    const env = { ...h, DOCKERCLOUD_REST_HOST: host, DOCKERCLOUD_TIMEOUT: '12', DOCKERCLOUD_INSECURE: '1' };
    const json = await spawnCli(['config', 'show', '--json', '--namespace', 'other'], env);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout).sources).toEqual({
      profile: 'config use',
      host: 'DOCKERCLOUD_REST_HOST',
      namespace: '--namespace',
      timeout: 'DOCKERCLOUD_TIMEOUT',
      insecure: 'DOCKERCLOUD_INSECURE',
    });

    const none = await spawnCli(['config', 'show'], { ...home() });
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout.split('\n').slice(0, 6)).toEqual([
      'Profile:     default',
      'Profiles:    default',
      'Host:        https://cloud.docker.com/ (default)',
      "Namespace:   the user's own (default)",
      'Timeout:     30 s (default)',
      'Insecure:    false (default)',
    ]);
    const flags = await spawnCli(['config', 'show', '--json', '--host', host, '--timeout', '4', '--profile', 'default'], { ...home() });
    expect(JSON.parse(flags.stdout).sources).toEqual({
      profile: '--profile',
      host: '--host',
      namespace: 'default',
      timeout: '--timeout',
      insecure: 'default',
    });
  });
});

describe('config set: a key it does not know is repeated cut short', () => {
  it('a 100 KB key: one line with its first 79 characters and …, exit 2, no file written', async () => {
    const h = home();
    const r = await spawnCli(['config', 'set', 'k'.repeat(100_000), 'x'], { ...h });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`Error: unknown setting '${'k'.repeat(79)}…': use one of host, namespace, timeout, insecure`);
    expect(r.stderr.length).toBeLessThan(300);
    expect(existsSync(configFile(h))).toBe(false);
  });

  it('a 100 KB value is cut the same way', async () => {
    const r = await spawnCli(['config', 'set', 'timeout', '9'.repeat(100_000)], { ...home() });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(
      `Error: timeout must be a number of seconds greater than 0 (at most 3600), not '${'9'.repeat(79)}…'`,
    );
  });
});
