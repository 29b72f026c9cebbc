// The config folder and files: their modes (0700 and 0600, put back when loose, a warning when the
// file is readable by others), what the folder is before anything is changed in it, which files are
// read at all, files that cannot be read (not JSON, the wrong shape, a value out of range, docker's
// config.json broken) reported as such and left untouched, profile names that every object has, hosts
// that carry a password, and local text repeated in messages. Temporary homes, real files, the
// emulator on loopback, which counts the requests it is sent.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { basic } from './helpers/account.js';
import { emulatorEnv, runCli, spawnCli, type Result } from './helpers/cli.js';
import { cleanUpProcesses, runEmulator, tempDir as emulatorTempDir } from './helpers/emulator-process.js';
import { startEmulator, APIKEY, USER, type RunningEmulator } from './helpers/emulator.js';
import { webDemo } from './helpers/fixture.js';
import { registerSecret } from './helpers/secrets.js';
import { configFile, home, mode, readConfig, removeHomes, writeConfig, writeDockerConfig, type Home } from './helpers/homes.js';

let emu: RunningEmulator;
let requests = 0;
const INDEX = 'https://index.docker.io/v1/';

beforeAll(async () => {
  emu = await startEmulator({ seed: [webDemo()] });
  emu.server.on('request', () => requests++);
});

afterAll(async () => {
  await emu.close();
  removeHomes();
});

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

const firstLine = (r: Result): string => r.stderr.split('\n')[0];
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
        `Error: cannot read config file ${path}: "timeout" of profile "default" must be a number of seconds greater than 0 (at most 3600), not '${timeout}'`,
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
    const login = await runCli(
      ['--profile', 'toString', 'login', '-u', USER, '--password-stdin'],
      { ...h, DOCKERCLOUD_REST_HOST: `${emu.url}/` },
      { stdin: APIKEY },
    );
    expect(login.code, login.stderr).toBe(0);
    expect(readConfig(h)).toMatchObject({ profiles: { toString: { user: USER, apikey: APIKEY } } });
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

  /** Every way a host reaches the CLI, and the exit code of a bad one: a usage error, or a config file that cannot be read. */
  const WAYS: { name: string; code: number; run: (host: string, h: Home) => Promise<Result> }[] = [
    { name: '--host', code: 2, run: (host, h) => runCli(['list', 'web', '--host', host], { ...h }) },
    { name: 'DOCKERCLOUD_REST_HOST', code: 2, run: (host, h) => runCli(['list', 'web'], { ...h, DOCKERCLOUD_REST_HOST: host }) },
    { name: 'config set host', code: 2, run: (host, h) => runCli(['config', 'set', 'host', host], { ...h }) },
    {
      name: 'the configured host',
      code: 1,
      run: (host, h) => {
        writeConfig(h, { profiles: { default: { host } } });
        return runCli(['config', 'show'], { ...h });
      },
    },
  ];

  it.each(WAYS)('through $name: a clear error that holds no part of the password', async ({ run, code }) => {
    for (const host of HOSTS) {
      const r = await run(host, home());
      expect(r.code, host).toBe(code);
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

  it('a profile name or a user name from the file, in the error that refuses it', async () => {
    const h = home();
    writeConfig(h, { profiles: { 'evil\u001b[31m': 5 } });
    const bad = await runCli(['config', 'show'], { ...h });
    expect(bad.code).toBe(1);
    expect(firstLine(bad)).toMatch(/^Error: cannot read config file .*: "evil\uFFFD\[31m" in "profiles" is not a profile name/);
    expect(bad.stderr).not.toMatch(CONTROL);

    writeConfig(h, { profiles: { default: { user: 'eve\u001b[2J', apikey: registerSecret('eve-key-3Rt') } } });
    const user = await runCli(['config', 'show'], { ...h });
    expect(user.code).toBe(1);
    expect(firstLine(user)).toMatch(
      /^Error: cannot read config file .*: "user" of profile "default" must be 1 to 256 characters without spaces, colons or control characters$/,
    );
    expect(user.stdout).toBe('');
    expect(user.stderr).not.toMatch(CONTROL);
  });

  it('a user name from DOCKERCLOUD_AUTH in config show', async () => {
    const h = home();
    const auth = registerSecret(basic('mal\u001b[2Jory', 'pw-9Zk'));
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

describe('a config file that is a symlink is never written through', () => {
  /** A home whose config.json links to `target` (made with `text`, mode 0644). */
  function linkedHome(target: (h: Home) => string, text: string): { h: Home; file: string } {
    const h = home();
    mkdirSync(h.TRIGGER_CONFIG_DIR, { recursive: true, mode: 0o700 });
    const file = target(h);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    chmodSync(file, 0o644);
    symlinkSync(relative(h.TRIGGER_CONFIG_DIR, file), configFile(h));
    return { h, file };
  }

  it('a link to package.json: config set exits 1, and package.json keeps its content and mode', async () => {
    const text = `${JSON.stringify({ name: 'app', version: '1.0.0', scripts: { test: 'vitest' } }, null, 2)}\n`;
    const { h, file } = linkedHome((h) => join(h.HOME, 'package.json'), text);
    const r = await spawnCli(['config', 'set', 'namespace', 'acme'], { ...h });
    expect(r.code).toBe(1);
    expect(firstLine(r)).toMatch(new RegExp(`^Error: cannot (read|write) config file ${configFile(h)}: `));
    expect(r.stdout).toBe('');
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(mode(file)).toBe(0o644);
  });

  const CHANGES: { name: string; args: string[]; stdin?: string }[] = [
    { name: 'config set', args: ['config', 'set', 'namespace', 'acme'] },
    { name: 'login', args: ['login', '-u', USER, '--password-stdin'], stdin: APIKEY },
    { name: 'config use', args: ['config', 'use', 'default'] },
  ];

  it.each(CHANGES)(
    'a link to a config file of its shape: $name exits 1 naming the link; the file is left as it is',
    async ({ args, stdin }) => {
      const text = JSON.stringify({ profiles: { default: { timeout: 5 } } });
      const { h, file } = linkedHome((h) => join(h.HOME, 'dotfiles', 'trigger.json'), text);
      const r = await spawnCli(args, { ...h, DOCKERCLOUD_REST_HOST: `${emu.url}/` }, stdin);
      expect(r.code).toBe(1);
      // The file it points to is 0644: reading it through the link warns of that first.
      expect(r.stderr.split('\n').filter((line) => !line.startsWith('Warning: config file'))).toEqual([
        `Error: cannot write config file ${configFile(h)}: it is a symlink, and trigger does not write through one`,
        'Replace the link with the file itself, or set TRIGGER_CONFIG_DIR to a folder of its own.',
        '',
      ]);
      expect(readFileSync(file, 'utf8')).toBe(text);
      expect(mode(file)).toBe(0o644);
      expect(lstatSync(configFile(h)).isSymbolicLink()).toBe(true);
    },
  );

  it('read through, as any command that only reads it does', async () => {
    const { h } = linkedHome((h) => join(h.HOME, 'dotfiles', 'trigger.json'), JSON.stringify({ profiles: { default: { timeout: 5 } } }));
    const r = await spawnCli(['config', 'show', '--json'], { ...h });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ timeout: 5, sources: { timeout: 'profile default' } });
  });
});

describe('a config file holds currentProfile and profiles, and nothing else', () => {
  it.each([
    { name: 'an unknown key', content: { profiles: {}, name: 'app' }, says: 'unknown key "name"' },
    {
      name: "conf's __internal__, which it writes for migrations alone",
      content: { __internal__: { migrations: { version: '1.0.0' } } },
      says: 'unknown key "__internal__"',
    },
    {
      name: 'an unknown key of a profile',
      content: { profiles: { work: { timeout: 5, token: 'x' } } },
      says: 'unknown key "token" in profile "work"',
    },
    {
      name: 'a key with escapes',
      content: { profiles: { work: { 'x\u001b]0;t\u0007': 1 } } },
      says: 'unknown key "x\uFFFD]0;t\uFFFD" in profile "work"',
    },
  ])('$name: exit 1 naming the file and the key, and config set leaves the file alone', async ({ content, says }) => {
    const h = home();
    const path = writeConfig(h, content);
    const text = readFileSync(path, 'utf8');
    const shown = await spawnCli(['config', 'show'], { ...h });
    expect(shown.code).toBe(1);
    expect(shown.stderr.split('\n')).toEqual([
      `Error: cannot read config file ${path}: ${says}`,
      'Fix the file or remove it; it is left as it is.',
      '',
    ]);
    const set = await spawnCli(['config', 'set', 'timeout', '9'], { ...h });
    expect(set.code).toBe(1);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });
});

describe('each field of a profile is checked by the parser of its flag', () => {
  it.each([
    {
      field: 'host',
      value: 'https://alice:pw@cloud.docker.com/',
      says: "must not carry credentials; use 'trigger login' or DOCKERCLOUD_USER and DOCKERCLOUD_APIKEY",
    },
    { field: 'host', value: 'localhost:8080', says: "must be an http(s) URL, not 'localhost:8080'; did you mean http://localhost:8080/?" },
    { field: 'host', value: 5, says: 'is not a string' },
    {
      field: 'loginHost',
      value: 'https://cloud.docker.com/api/',
      says: 'must be the root of the API host (like https://cloud.docker.com/), without a path, query or fragment',
    },
    { field: 'namespace', value: 'acme/../x', says: "must be a user or organisation name, not 'acme/../x'" },
    { field: 'timeout', value: '5', says: `must be a number of seconds greater than 0 (at most 3600), not '"5"'` },
    { field: 'timeout', value: 0, says: "must be a number of seconds greater than 0 (at most 3600), not '0'" },
    { field: 'insecure', value: 'yes', says: `must be true or false, not '"yes"'` },
    { field: 'user', value: 'al ice', says: 'must be 1 to 256 characters without spaces, colons or control characters' },
    { field: 'apikey', value: '', says: 'is empty' },
    { field: 'apikey', value: 5, says: 'is not a string' },
  ])('$field: $value is exit 1 naming the file and the field, for config show too', async ({ field, value, says }) => {
    const h = home();
    const path = writeConfig(h, { profiles: { default: { [field]: value } } });
    for (const args of [
      ['config', 'show'],
      ['list', 'web', '--host', `${emu.url}/`],
    ]) {
      const r = await spawnCli(args, { ...h, DOCKERCLOUD_USER: USER, DOCKERCLOUD_APIKEY: APIKEY });
      expect(r.code, args.join(' ')).toBe(1);
      expect(firstLine(r)).toBe(`Error: cannot read config file ${path}: "${field}" of profile "default" ${says}`);
      expect(r.stderr).not.toContain('pw@');
    }
  });

  it('a long value is repeated cut to 80 characters', async () => {
    const h = home();
    const path = writeConfig(h, { profiles: { default: { namespace: 'n'.repeat(100_000) } } });
    const r = await spawnCli(['config', 'show'], { ...h });
    expect(r.code).toBe(1);
    expect(firstLine(r)).toBe(
      `Error: cannot read config file ${path}: "namespace" of profile "default" must be a user or organisation name, not '${'n'.repeat(79)}…'`,
    );
  });

  it('values are taken as the parsers give them back: a host without its slash is the same host', async () => {
    const h = home();
    writeConfig(h, { profiles: { default: { host: emu.url, loginHost: emu.url, user: USER, apikey: APIKEY, insecure: false } } });
    const r = await spawnCli(['config', 'show', '--json'], { ...h });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ host: `${emu.url}/`, credentials_host: `${emu.url}/` });
    const list = await spawnCli(['list', 'web', '-q'], { ...h });
    expect(list.code, list.stderr).toBe(0);
  });
});

describe('profile names in the file follow the profile-name rule', () => {
  it.each(['x`touch${IFS}/tmp/PWNED`', 'y;id', 'has space', '-dash', 'é'.repeat(3), 'n'.repeat(65), '__proto__'])(
    '%s: exit 1 naming the file and the name',
    async (name) => {
      const h = home();
      const path = writeConfig(h, `{"profiles": {"good": {}, ${JSON.stringify(name)}: {}}}`);
      const r = await spawnCli(['config', 'show'], { ...h });
      expect(r.code).toBe(1);
      const shown = name.length > 80 ? `${name.slice(0, 79)}…` : name;
      expect(firstLine(r)).toBe(
        `Error: cannot read config file ${path}: "${shown}" in "profiles" is not a profile name (letters, digits, '.', '_' or '-')`,
      );
    },
  );
});

describe('a config folder that other users can write to is refused, never changed', () => {
  /** A folder owned by another user: made and given away as root, else one of the system's. */
  function othersFolder(h: Home): string {
    if (process.getuid?.() !== 0) return '/';
    const dir = join(h.HOME, 'theirs');
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, 65534, 65534);
    return dir;
  }

  it.each([
    { name: 'a folder of mode 1777, as /tmp', make: (h: Home) => folder(h, 0o1777) },
    { name: 'a group-writable folder', make: (h: Home) => folder(h, 0o770) },
    { name: 'a folder writable by others', make: (h: Home) => folder(h, 0o707) },
    { name: "another user's folder", make: othersFolder },
  ])('$name: exit 1, its mode and content kept', async ({ make }) => {
    const h = home();
    const dir = make(h);
    const before = { mode: statSync(dir).mode, uid: statSync(dir).uid, files: readdirSync(dir) };
    const r = await spawnCli(['config', 'set', 'timeout', '5'], { ...h, TRIGGER_CONFIG_DIR: dir });
    expect(r.code).toBe(1);
    expect(firstLine(r)).toBe(`Error: config folder ${dir} can be written by other users; use a folder of your own`);
    expect(r.stdout).toBe('');
    expect({ mode: statSync(dir).mode, uid: statSync(dir).uid, files: readdirSync(dir) }).toEqual(before);
  });

  function folder(h: Home, perm: number): string {
    const dir = join(h.HOME, `shared-${perm.toString(8)}`);
    mkdirSync(dir);
    chmodSync(dir, perm);
    return dir;
  }

  it("a folder of the user's that only they can write to is kept 0700, and used", async () => {
    const h = home();
    const dir = folder(h, 0o755);
    const r = await spawnCli(['config', 'set', 'timeout', '5'], { ...h, TRIGGER_CONFIG_DIR: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'config.json'))).toBe(0o600);
  });
});

describe('a value repeated in a message is cut', () => {
  const LONG = 'a'.repeat(100_000);
  const CUT = `${'a'.repeat(79)}…`;

  it.each([
    {
      name: '--host',
      args: ['--host', LONG, 'list', 'web'],
      env: {},
      line: `Error: --host must be an http(s) URL, not '${CUT}'; did you mean https://${'a'.repeat(71)}…?`,
    },
    {
      name: 'DOCKERCLOUD_REST_HOST',
      args: ['list', 'web'],
      env: { DOCKERCLOUD_REST_HOST: `${LONG} x` },
      line: `Error: DOCKERCLOUD_REST_HOST must be an http(s) URL such as https://cloud.docker.com/, not '${CUT}'`,
    },
    {
      name: 'DOCKERCLOUD_NAMESPACE',
      args: ['list', 'web'],
      env: { DOCKERCLOUD_NAMESPACE: `/${LONG}` },
      line: `Error: DOCKERCLOUD_NAMESPACE must be a user or organisation name, not '/${CUT.slice(1)}'`,
    },
    { name: 'an unknown command', args: [LONG], env: {}, line: `Error: unknown command '${CUT}'` },
    { name: 'an unknown option', args: ['list', `--${LONG}`], env: {}, line: `Error: unknown option '--${CUT.slice(2)}'` },
    {
      name: '--profile',
      args: ['--profile', LONG, 'list'],
      env: {},
      line: `Error: invalid profile name '${CUT}': use letters, digits, '.', '_' or '-'`,
    },
  ])('$name: at most 80 characters of it, ending with …', async ({ args, env, line }) => {
    const r = await spawnCli(args, { ...home(), ...env });
    expect(r.code).toBe(2);
    expect(firstLine(r)).toBe(line);
    expect(r.stderr.length).toBeLessThan(400);
  });
});

describe("the emulator's seed and data files: what it repeats of them reaches the terminal without control characters", () => {
  afterEach(cleanUpProcesses);
  const SVC = '5a5a5a5a-0000-4000-8000-000000000001';
  const ANY_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

  async function stopsWith(args: string[]): Promise<string> {
    const p = runEmulator(['--port', '0', ...args]);
    expect(await p.exited).toEqual({ code: 1, signal: null });
    expect(p.stderr()).not.toMatch(ANY_CONTROL);
    return p.stderr().split('\n')[0];
  }

  it.each([
    {
      name: 'an unknown field (C1 OSC)',
      seed: [{ name: 'web', 'bogus\u009d0;pwned\u0007': 1 }],
      says: 'service #1 (web): unknown field "bogus\\u009d0;pwned\\u0007"',
    },
    { name: 'an unknown field (CSI)', seed: [{ name: 'web', 'x\u009b2J': 1 }], says: 'service #1 (web): unknown field "x\\u009b2J"' },
    {
      name: 'a service name',
      seed: [{ name: 'web\u009b31m\u001b[2J', state: 'Asleep' }],
      says: 'service #1 (web\\u009b31m\\u001b[2J): state must be one of',
    },
    { name: 'a value', seed: [{ name: 'web', state: 'up\u0085\u2028' }], says: '"up\\u0085\\u2028"' },
    {
      name: 'a repeated UUID',
      seed: [
        { name: 'w\u009bb', uuid: SVC },
        { name: 'x', uuid: SVC },
      ],
      says: `service #2 (x): uuid ${SVC} is already the UUID of service w\\u009bb`,
    },
  ])('$name', async ({ seed, says }) => {
    const file = join(emulatorTempDir(), 'seed.json');
    writeFileSync(file, JSON.stringify(seed));
    const line = await stopsWith(['--seed', file]);
    expect(line.startsWith(`Error: ${file}: `)).toBe(true);
    expect(line).toContain(says);
  });

  it('a data file that is not JSON', async () => {
    const file = join(emulatorTempDir(), 'data.json');
    writeFileSync(file, '\u009b[31m\u009d0;pwned\u0007');
    const line = await stopsWith(['--data', file]);
    expect(line).toMatch(new RegExp(`^Error: ${file} is not valid JSON: `));
    expect(line).toContain('\\u009b');
  });
});
