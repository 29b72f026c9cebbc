// The config folder and files: their modes (0700 and 0600, put back when loose, a warning when the
// file is readable by others), what the folder is before anything is changed in it, which files are
// read at all, files that cannot be read (not JSON, the wrong shape, a value out of range, docker's
// config.json broken) reported as such and left untouched, profile names that every object has, hosts
// that carry a password, and local text repeated in messages. Temporary homes, real files, the
// emulator on loopback, which counts the requests it is sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emulatorEnv, runCli, spawnCli, tempHome, type Result } from './helpers/cli.js';
import { startEmulator, APIKEY, USER, type RunningEmulator } from './helpers/emulator.js';
import { webDemo } from './helpers/fixture.js';
import { registerSecret } from './helpers/secrets.js';

type Home = ReturnType<typeof tempHome>;
const homes: string[] = [];
let emu: RunningEmulator;
let requests = 0;
const INDEX = 'https://index.docker.io/v1/';

beforeAll(async () => {
  emu = await startEmulator({ seed: [webDemo()] });
  emu.server.on('request', () => requests++);
});

afterAll(async () => {
  await emu.close();
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

function home(): Home {
  const h = tempHome();
  homes.push(h.HOME);
  return h;
}

const configFile = (h: Home): string => join(h.TRIGGER_CONFIG_DIR, 'config.json');

function writeConfig(h: Home, content: unknown): string {
  mkdirSync(h.TRIGGER_CONFIG_DIR, { recursive: true, mode: 0o700 });
  writeFileSync(configFile(h), typeof content === 'string' ? content : JSON.stringify(content), { mode: 0o600 });
  return configFile(h);
}

function readConfig(h: Home): { currentProfile?: string; profiles?: Record<string, Record<string, unknown>> } {
  return JSON.parse(readFileSync(configFile(h), 'utf8'));
}

function writeDockerConfig(h: Home, content: string): string {
  mkdirSync(join(h.HOME, '.docker'), { recursive: true });
  const path = join(h.HOME, '.docker', 'config.json');
  writeFileSync(path, content);
  return path;
}

const mode = (path: string): number => statSync(path).mode & 0o777;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** An error printed the documented way: `Error: cannot read config file <path>: <reason>`, a hint, no stack. */
function expectUnreadable(r: Result, path: string): void {
  expect(r.code).toBe(1);
  const lines = r.stderr.split('\n');
  expect(lines[0]).toMatch(new RegExp(`^Error: cannot read config file ${escapeRe(path)}: \\S.*$`));
  expect(lines[1]?.trim()).not.toBe('');
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stdout).toBe('');
}

const firstLine = (r: Result): string => r.stderr.split('\n')[0]!;
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('the modes of the config folder and file', () => {
  it('config set leaves the file 0600 in a 0700 folder, and puts loose modes back', async () => {
    const home = emulatorEnv(emu.url);
    const file = join(home.TRIGGER_CONFIG_DIR, 'config.json');
    const set = await runCli(['config', 'set', 'host', `${emu.url}/`], home);
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(mode(file)).toBe(0o600);
    expect(mode(home.TRIGGER_CONFIG_DIR)).toBe(0o700);
    chmodSync(file, 0o644);
    chmodSync(home.TRIGGER_CONFIG_DIR, 0o755);
    const again = await runCli(['config', 'set', 'timeout', '7'], home);
    expect(again.code).toBe(0);
    expect(mode(file)).toBe(0o600);
    expect(mode(home.TRIGGER_CONFIG_DIR)).toBe(0o700);
    const show = await runCli(['config', 'show', '--json'], home);
    expect(JSON.parse(show.stdout)).toMatchObject({ timeout: 7 });
  });

  it('a config file other users can read gives a Warning line naming it; the command still works', async () => {
    const home = emulatorEnv(emu.url);
    const file = join(home.TRIGGER_CONFIG_DIR, 'config.json');
    mkdirSync(home.TRIGGER_CONFIG_DIR, { recursive: true, mode: 0o700 });
    writeFileSync(file, JSON.stringify({ profiles: { default: { timeout: 9 } } }), { mode: 0o600 });
    const quiet = await runCli(['list', 'web'], home);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    chmodSync(file, 0o644);
    const r = await runCli(['list', 'web'], home);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('deploy-hook');
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('Warning: '));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(file);
    expect(warnings[0]).toMatch(/can be read by other users.*chmod 600/);
  });
});

describe('the config folder is checked before anything is changed in it', () => {
  it('config folders are made level by level, each 0700; a folder that cannot be made is an error, not a hang', async () => {
    const h = home();
    const nested = join(h.HOME, 'a', 'b', 'c');
    const ok = await runCli(['config', 'set', 'timeout', '5'], { ...h, TRIGGER_CONFIG_DIR: nested });
    expect(ok.code, ok.stderr).toBe(0);
    for (const d of [join(h.HOME, 'a'), join(h.HOME, 'a', 'b'), nested]) expect(mode(d)).toBe(0o700);
    expect(mode(join(nested, 'config.json'))).toBe(0o600);
    // /proc refuses new folders; Node's own recursive mkdir never returns there.
    const bad = await runCli(['config', 'set', 'timeout', '5'], { ...h, TRIGGER_CONFIG_DIR: '/proc/no-such-folder/x' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^Error: cannot write config file \/proc\/no-such-folder\/x\/config.json: /);
  });

  it('TRIGGER_CONFIG_DIR naming a file: exit 1, and the file keeps its mode and content', async () => {
    const h = home();
    const file = join(h.HOME, 'a-file');
    writeFileSync(file, 'kept');
    chmodSync(file, 0o644);
    const r = await runCli(['config', 'set', 'timeout', '5'], { ...h, TRIGGER_CONFIG_DIR: file });
    expect(r.code).toBe(1);
    expect(firstLine(r)).toBe(`Error: config folder ${file} is not a folder`);
    expect(mode(file)).toBe(0o644);
    expect(readFileSync(file, 'utf8')).toBe('kept');
  });

  it('TRIGGER_CONFIG_DIR naming a symlink to a folder: exit 1, and the folder keeps its mode and gets no file', async () => {
    const h = home();
    const target = join(h.HOME, 'shared');
    mkdirSync(target);
    chmodSync(target, 0o755);
    const link = join(h.HOME, 'link');
    symlinkSync(target, link);
    const r = await runCli(['config', 'set', 'timeout', '5'], { ...h, TRIGGER_CONFIG_DIR: link });
    expect(r.code).toBe(1);
    expect(firstLine(r)).toBe(`Error: config folder ${link} is a symlink`);
    expect(r.stderr.split('\n')[1]).toMatch(/TRIGGER_CONFIG_DIR/);
    expect(mode(target)).toBe(0o755);
    expect(readdirSync(target)).toEqual([]);
  });

  it('the default folder as a symlink is refused the same way', async () => {
    const h = home();
    const target = join(h.HOME, 'elsewhere');
    mkdirSync(target);
    chmodSync(target, 0o755);
    mkdirSync(h.XDG_CONFIG_HOME);
    symlinkSync(target, join(h.XDG_CONFIG_HOME, 'trigger'));
    const r = await runCli(['config', 'set', 'timeout', '5'], { ...h, TRIGGER_CONFIG_DIR: undefined });
    expect(r.code).toBe(1);
    expect(firstLine(r)).toBe(`Error: config folder ${join(h.XDG_CONFIG_HOME, 'trigger')} is a symlink`);
    expect(mode(target)).toBe(0o755);
    expect(readdirSync(target)).toEqual([]);
  });
});

describe('unreadable files are reported and left untouched', () => {
  const demoEnv = () => ({ DOCKERCLOUD_USER: USER, DOCKERCLOUD_APIKEY: APIKEY, DOCKERCLOUD_REST_HOST: `${emu.url}/` });

  it('a config file that is not JSON: a command exits 1 with the documented message', async () => {
    const h = home();
    const text = '{"profiles": {"default": {"user": "x",';
    const path = writeConfig(h, text);
    const before = requests;
    const r = await spawnCli(['list', 'web'], { ...h, ...demoEnv() });
    expectUnreadable(r, path);
    expect(r.stderr).toContain('not valid JSON');
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(requests).toBe(before);
  });

  it('a config file that is not JSON is not overwritten by config set', async () => {
    const h = home();
    const text = 'currentProfile = "work"\n';
    const path = writeConfig(h, text);
    const r = await spawnCli(['config', 'set', 'host', `${emu.url}/`], { ...h });
    expectUnreadable(r, path);
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(readdirSync(h.TRIGGER_CONFIG_DIR)).toEqual(['config.json']);
  });

  it('a config file of the wrong shape stops login before anything is sent or written', async () => {
    const h = home();
    const text = '{"profiles": {"default": {"apikey": 42}}}';
    const path = writeConfig(h, text);
    const before = requests;
    const r = await spawnCli(['login', '--host', `${emu.url}/`, '--username', USER, '--password-stdin'], { ...h }, APIKEY);
    expectUnreadable(r, path);
    expect(r.stderr).toMatch(/"apikey" of profile "default"/);
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(requests).toBe(before);
  });

  it('a broken ~/.docker/config.json, when it is needed: exit 1, the same message form, file untouched', async () => {
    const h = home();
    const text = '{"auths": {"https://index.docker.io/v1/": {"auth": ';
    const path = writeDockerConfig(h, text);
    const before = requests;
    const r = await spawnCli(['list', 'web', '--host', `${emu.url}/`], { ...h });
    expectUnreadable(r, path);
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(requests).toBe(before);
  });

  it('a timeout out of range in the file is reported as an unreadable config file', async () => {
    for (const timeout of [-5, 0, 1e12]) {
      const h = home();
      const path = writeConfig(h, { profiles: { default: { timeout } } });
      const r = await runCli(['config', 'show'], h);
      expect(r.code).toBe(1);
      expect(r.stderr.split('\n')[0]).toBe(
        `Error: cannot read config file ${path}: "timeout" of profile "default" is not a number of seconds from 0 to 3600`,
      );
    }
  });

  it('an auth entry of docker config.json that is not base64 is reported as an unreadable file, not a network error', async () => {
    const h = home();
    const path = writeDockerConfig(h, JSON.stringify({ auths: { [INDEX]: { auth: 'not base64\nat all' } } }));
    const r = await runCli(['list', 'web'], { ...h, DOCKERCLOUD_REST_HOST: 'http://127.0.0.1:9/' });
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(`Error: cannot read config file ${path}: the auth of ${INDEX} is not base64`);
  });
});

describe('only regular files of at most 1 MiB are read', () => {
  it('a config file that is a FIFO: exit 1 at once, not a wait for a writer', async () => {
    const h = home();
    mkdirSync(h.TRIGGER_CONFIG_DIR, { recursive: true });
    execFileSync('mkfifo', [configFile(h)]);
    const r = await spawnCli(['config', 'show'], { ...h });
    expect(r.code).toBe(1);
    expect(firstLine(r)).toBe(`Error: cannot read config file ${configFile(h)}: it is not a regular file`);
    expect(r.stdout).toBe('');
  });

  it('a config file linked to /dev/zero: exit 1, nothing read', async () => {
    const h = home();
    mkdirSync(h.TRIGGER_CONFIG_DIR, { recursive: true });
    symlinkSync('/dev/zero', configFile(h));
    const r = await spawnCli(['config', 'show'], { ...h });
    expect(r.code).toBe(1);
    expect(firstLine(r)).toBe(`Error: cannot read config file ${configFile(h)}: it is not a regular file`);
  });

  it('a config file over 1 MiB, valid JSON or not: exit 1 naming the limit, and config set leaves it alone', async () => {
    const h = home();
    const text = `{"profiles": {}}${' '.repeat(1024 * 1024)}`;
    const path = writeConfig(h, text);
    const r = await runCli(['config', 'set', 'timeout', '5'], { ...h });
    expect(r.code).toBe(1);
    expect(firstLine(r)).toBe(`Error: cannot read config file ${path}: it is larger than 1 MiB`);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it("docker's config.json as a FIFO, when it is needed: exit 1 at once", async () => {
    const h = home();
    mkdirSync(join(h.HOME, '.docker'));
    const path = join(h.HOME, '.docker', 'config.json');
    execFileSync('mkfifo', [path]);
    const r = await spawnCli(['list', 'web'], { ...h, DOCKERCLOUD_REST_HOST: `${emu.url}/` });
    expect(r.code).toBe(1);
    expect(firstLine(r)).toBe(`Error: cannot read config file ${path}: it is not a regular file`);
  });
});

describe('profiles named like what every object has', () => {
  const NAMES = ['constructor', 'toString', 'hasOwnProperty', 'valueOf'];

  it.each(NAMES)('%s is a profile like any other: set, show, use', async (name) => {
    const h = home();
    const set = await runCli(['--profile', name, 'config', 'set', 'timeout', '7'], { ...h });
    expect(set.code, set.stderr).toBe(0);
    expect(readConfig(h).profiles?.[name]).toEqual({ timeout: 7 });
    const shown = await runCli(['--profile', name, 'config', 'show', '--json'], { ...h });
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ profile: name, timeout: 7, profiles: ['default', name] });
    const use = await runCli(['config', 'use', name], { ...h });
    expect(use.code, use.stderr).toBe(0);
    const current = await runCli(['config', 'show', '--json'], { ...h });
    expect(JSON.parse(current.stdout)).toMatchObject({ profile: name, timeout: 7 });
    expect(Object.hasOwn(Object.prototype, 'timeout')).toBe(false);
  });

  it('login saves the credentials in a profile named toString, and later commands use them', async () => {
    const h = home();
    const login = await runCli(['--profile', 'toString', 'login', '-u', USER, '--password-stdin'], { ...h, DOCKERCLOUD_REST_HOST: `${emu.url}/` }, { stdin: APIKEY });
    expect(login.code, login.stderr).toBe(0);
    expect(readConfig(h).profiles?.toString).toMatchObject({ user: USER, apikey: APIKEY });
    const list = await runCli(['--profile', 'toString', 'list', 'web', '-q'], { ...h });
    expect(list.code, list.stderr).toBe(0);
  });

  it('__proto__ is refused by the profile-name rule (exit 2)', async () => {
    const h = home();
    const r = await runCli(['--profile', '__proto__', 'config', 'set', 'timeout', '5'], { ...h });
    expect(r.code).toBe(2);
    expect(firstLine(r)).toMatch(/^Error: invalid profile name '__proto__'/);
  });

  it('"currentProfile": "__proto__" in the file is exit 1 naming the file and the field, and writes nothing anywhere', async () => {
    const h = home();
    const text = '{"currentProfile": "__proto__", "profiles": {}}';
    const path = writeConfig(h, text);
    try {
      const r = await runCli(['login', '-u', USER, '--password-stdin'], { ...h, DOCKERCLOUD_REST_HOST: `${emu.url}/` }, { stdin: APIKEY });
      expect(r.code).toBe(1);
      expect(firstLine(r)).toBe(`Error: cannot read config file ${path}: "currentProfile" is not a profile name`);
      expect(Object.hasOwn(Object.prototype, 'user')).toBe(false);
      expect(Object.hasOwn(Object.prototype, 'apikey')).toBe(false);
      expect(readFileSync(path, 'utf8')).toBe(text);
    } finally {
      for (const key of ['user', 'apikey', 'host']) delete (Object.prototype as Record<string, unknown>)[key];
    }
  });

  it('a current profile that breaks the rule in another way is refused too', async () => {
    const h = home();
    const path = writeConfig(h, { currentProfile: 'not a name' });
    const r = await runCli(['config', 'show'], { ...h });
    expect(r.code).toBe(1);
    expect(firstLine(r)).toBe(`Error: cannot read config file ${path}: "currentProfile" is not a profile name`);
  });
});

describe('a host that carries a password is never repeated with it', () => {
  const PASSWORD = registerSecret('s3cr/et-Hq7');
  const HOSTS = [
    `https://alice:${PASSWORD}@cloud.docker.com/`,
    `https://alice:${PASSWORD}@`,
    `https://alice:${PASSWORD}@cloud.docker.com:99999/`,
    `https://alice@x:${PASSWORD}@cloud.docker.com/`,
    `//alice:${PASSWORD}@cloud.docker.com/`,
    `alice:${PASSWORD}@cloud.docker.com`,
    `https:alice:${PASSWORD}@cloud.docker.com`,
    `https://alice:${PASSWORD} x@cloud.docker.com/`,
    `https://alice:${PASSWORD}\u001b@cloud.docker.com/`,
    `ftp://alice:${PASSWORD}@cloud.docker.com/`,
    `alice:${PASSWORD.replace('/', '')}@cloud.docker.com`,
  ];

  /** Every way a host reaches the CLI. */
  const WAYS: { name: string; run: (host: string, h: Home) => Promise<Result> }[] = [
    { name: '--host', run: (host, h) => runCli(['list', 'web', '--host', host], { ...h }) },
    { name: 'DOCKERCLOUD_REST_HOST', run: (host, h) => runCli(['list', 'web'], { ...h, DOCKERCLOUD_REST_HOST: host }) },
    { name: 'config set host', run: (host, h) => runCli(['config', 'set', 'host', host], { ...h }) },
    {
      name: 'the configured host',
      run: (host, h) => {
        writeConfig(h, { profiles: { default: { host } } });
        return runCli(['config', 'show'], { ...h });
      },
    },
  ];

  it.each(WAYS)('through $name: a clear error that holds no part of the password', async ({ run }) => {
    for (const host of HOSTS) {
      const r = await run(host, home());
      expect(r.code, host).toBe(2);
      expect(firstLine(r)).toMatch(/^Error: \S/);
      for (const part of ['s3cr', 'et-Hq7', PASSWORD.replace('/', '')]) expect(r.stderr, host).not.toContain(part);
    }
  });
});

describe('local text is neutralised before it reaches the terminal', () => {
  it('a config file that is not JSON: its bytes are not repeated, escapes included', async () => {
    const h = home();
    const path = writeConfig(h, '\u001b]0;pwned\u0007\u001b[2J{');
    const r = await runCli(['config', 'show'], { ...h });
    expect(r.code).toBe(1);
    expect(firstLine(r)).toMatch(new RegExp(`^Error: cannot read config file ${path}: not valid JSON`));
    expect(r.stderr).not.toMatch(CONTROL);
    expect(r.stderr).not.toContain('pwned');
  });

  it('a config file that is not JSON does not show the secret next to the mistake', async () => {
    const h = home();
    const key = registerSecret('sk-live-4Fq9Xw2');
    writeConfig(h, `{"profiles": {"default": {"user": "u", "apikey": ${key}}}}`);
    const r = await runCli(['config', 'show'], { ...h });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not valid JSON');
    expect(r.stderr).not.toContain('sk-live');
  });

  it('a profile name from the file, in an error and in config show', async () => {
    const h = home();
    writeConfig(h, { profiles: { 'evil\u001b[31m': 5 } });
    const bad = await runCli(['config', 'show'], { ...h });
    expect(bad.code).toBe(1);
    expect(firstLine(bad)).toMatch(/^Error: cannot read config file .*: profile "evil.\[31m" is not an object$/);
    expect(bad.stderr).not.toMatch(CONTROL);

    writeConfig(h, { profiles: { 'evil\u001b]0;x\u0007': {}, default: { user: 'eve\u001b[2J', apikey: registerSecret('eve-key-3Rt') } } });
    const shown = await runCli(['config', 'show'], { ...h });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).not.toMatch(CONTROL);
    expect(shown.stdout).toMatch(/^User:\s+eve\uFFFD\[2J$/m);
    expect(shown.stdout).toMatch(/^Profiles:\s+evil\uFFFD\]0;x\uFFFD, default$/m);
  });

  it('a user name from DOCKERCLOUD_AUTH in config show', async () => {
    const h = home();
    const auth = registerSecret(`Basic ${Buffer.from('mal\u001b[2Jory:pw-9Zk').toString('base64')}`);
    const r = await runCli(['config', 'show'], { ...h, DOCKERCLOUD_AUTH: auth });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(CONTROL);
    expect(r.stdout).toMatch(/^User:\s+mal\uFFFD\[2Jory$/m);
  });

  it("docker's config.json that is not JSON: its bytes are not repeated", async () => {
    const h = home();
    const path = writeDockerConfig(h, '\u001b[2J\u001b]0;pwned\u0007');
    const r = await runCli(['list', 'web'], { ...h, DOCKERCLOUD_REST_HOST: `${emu.url}/` });
    expect(r.code).toBe(1);
    expect(firstLine(r)).toMatch(new RegExp(`^Error: cannot read config file ${path}: not valid JSON`));
    expect(r.stderr).not.toMatch(CONTROL);
  });

  it('a profile name given with escapes is refused without them', async () => {
    const r = await runCli(['--profile', 'x\u001b[2J', 'config', 'show'], { ...home() });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(CONTROL);
  });
});
