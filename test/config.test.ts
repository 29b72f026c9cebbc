// The credentials and config store, end to end: the built CLI spawned with a temporary HOME and
// TRIGGER_CONFIG_DIR against emulators on loopback, each emulator accepting one account only, so a
// request that succeeds tells which credentials were sent. Real HTTP, real files, no mocks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerSecret } from './helpers/secrets.js';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmulator, listen } from '../src/emulator/server.js';
import { stateFromSeed, Store } from '../src/emulator/store.js';
import { ROOT, runCli, spawnCli, tempHome, type Result } from './helpers/cli.js';
import { VERSION } from '../src/version.js';
import { APIKEY, USER } from './helpers/emulator.js';
import { deadPort } from './helpers/net.js';

const INDEX = 'https://index.docker.io/v1/';
const FAKE_HELPER = join(ROOT, 'test/fixtures/docker-credential-fake');

const b64 = (user: string, secret: string): string => Buffer.from(`${user}:${secret}`).toString('base64');
const basic = (user: string, secret: string): string => `Basic ${b64(user, secret)}`;

// Every secret this file hands to the CLI; none may show in any output (checked in afterAll).
const SECRETS: string[] = [];
function secret(value: string): string {
  SECRETS.push(value);
  return registerSecret(value);
}

// --- spawning, with every output kept ---------------------------------------------------------

const outputs: { args: string[]; text: string }[] = [];
let spawns = 0;

async function run(args: string[], env: Record<string, string | undefined>, input?: string): Promise<Result> {
  spawns++;
  const r = await spawnCli(args, env, input);
  outputs.push({ args, text: r.stdout }, { args, text: r.stderr });
  return r;
}

// --- emulators that accept one account and record what they were sent -------------------------

interface Seen {
  method: string;
  url: string;
  authorization?: string;
  userAgent?: string;
}

interface Account {
  user: string;
  secret: string;
  /** Name of the one trigger of its service `web`: tells which emulator answered. */
  hook: string;
  /** Root URL with a trailing slash, as --host takes it. */
  host: string;
  seen: Seen[];
  close(): Promise<void>;
}

const accounts: Account[] = [];

async function startAccount(user: string, apikey: string, hook: string): Promise<Account> {
  const store = new Store(stateFromSeed([{ name: 'web', stack: null, triggers: [{ name: hook, operation: 'REDEPLOY' }] }]));
  const server = createEmulator(store, { user, apikey, pageSize: 25 });
  const seen: Seen[] = [];
  server.on('request', (req) =>
    seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, userAgent: req.headers['user-agent'] }),
  );
  const url = await listen(server, 0, '127.0.0.1');
  const account: Account = {
    user,
    secret: apikey,
    hook,
    host: `${url}/`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  accounts.push(account);
  return account;
}

/** The trigger names `list web --json` printed. */
function hooks(r: Result): string[] {
  return (JSON.parse(r.stdout) as { name: string }[]).map((t) => t.name);
}

// --- temporary homes, config and docker files --------------------------------------------------

const homes: string[] = [];

type Home = ReturnType<typeof tempHome>;

function home(): Home {
  const h = tempHome();
  homes.push(h.HOME);
  return h;
}

function configFile(h: Home): string {
  return join(h.TRIGGER_CONFIG_DIR, 'config.json');
}

function writeConfig(h: Home, content: unknown): string {
  mkdirSync(h.TRIGGER_CONFIG_DIR, { recursive: true, mode: 0o700 });
  const path = configFile(h);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2), { mode: 0o600 });
  return path;
}

function readConfig(h: Home): { currentProfile?: string; profiles?: Record<string, Record<string, unknown>> } {
  return JSON.parse(readFileSync(configFile(h), 'utf8'));
}

function dockerFile(h: Home): string {
  return join(h.HOME, '.docker', 'config.json');
}

function writeDockerConfig(h: Home, content: unknown): string {
  mkdirSync(join(h.HOME, '.docker'), { recursive: true });
  const path = dockerFile(h);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** A bin folder holding the fake docker-credential-fake helper, to put first on PATH. */
function fakeHelperBin(h: Home): string {
  const bin = join(h.HOME, 'bin');
  mkdirSync(bin, { recursive: true });
  copyFileSync(FAKE_HELPER, join(bin, 'docker-credential-fake'));
  chmodSync(join(bin, 'docker-credential-fake'), 0o755);
  return bin;
}

function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

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

afterAll(async () => {
  await Promise.all(accounts.map((a) => a.close()));
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

// --- login and logout --------------------------------------------------------------------------

describe('login', () => {
  let demo: Account;
  const wrongKey = secret('not-the-demo-key-7Hq');

  beforeAll(async () => {
    secret(APIKEY);
    secret(b64(USER, APIKEY));
    demo = await startAccount(USER, APIKEY, 'demo-hook');
  });

  it('checks the key from --password-stdin with one small request, saves it 0600 in a 0700 folder, and later commands use it', async () => {
    const h = home();
    // docker's own file is only read, never written
    const dockerText = JSON.stringify({ auths: { [INDEX]: { auth: secret(b64('someone-else', 'docker-pw-3Jx')) } } });
    writeDockerConfig(h, dockerText);
    const before = demo.seen.length;

    const login = await run(['login', '--host', demo.host, '--username', USER, '--password-stdin'], { ...h }, `${APIKEY}\n`);
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    expect(login.stdout).toContain(`Logged in as ${USER}`);

    const probe = demo.seen.slice(before);
    expect(probe).toHaveLength(1);
    expect(probe[0]!.method).toBe('GET');
    expect(new URL(probe[0]!.url, 'http://x').searchParams.get('limit')).toBe('1');
    expect(probe[0]!.authorization).toBe(basic(USER, APIKEY));

    const saved = readConfig(h);
    expect(saved.profiles?.default).toMatchObject({ user: USER, apikey: APIKEY, host: demo.host });
    expect(mode(configFile(h))).toBe(0o600);
    expect(mode(h.TRIGGER_CONFIG_DIR)).toBe(0o700);
    // TRIGGER_CONFIG_DIR overrides the XDG folder; the write left no temporary file behind
    expect(existsSync(join(h.XDG_CONFIG_HOME, 'trigger'))).toBe(false);
    expect(readdirSync(h.TRIGGER_CONFIG_DIR)).toEqual(['config.json']);
    expect(readFileSync(dockerFile(h), 'utf8')).toBe(dockerText);

    // No credential or host variables: the profile supplies both.
    const list = await run(['list', 'web', '--json'], { ...h });
    expect(list.stderr).toBe('');
    expect(list.code).toBe(0);
    expect(hooks(list)).toEqual(['demo-hook']);
    expect(demo.seen.at(-1)!.authorization).toBe(basic(USER, APIKEY));
  });

  it('with a wrong key exits 3 and creates no config file', async () => {
    const h = home();
    const r = await run(['login', '--host', demo.host, '--username', USER, '--password-stdin'], { ...h }, `${wrongKey}\n`);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^Error: .*login failed/);
    expect(r.stdout).toBe('');
    expect(existsSync(configFile(h))).toBe(false);
  });

  it('with a wrong key leaves an existing config file byte-identical', async () => {
    const h = home();
    const text = JSON.stringify({ profiles: { default: { user: USER, apikey: APIKEY, host: demo.host } } }, null, 2);
    const path = writeConfig(h, text);
    const r = await run(['login', '--username', USER, '--password-stdin'], { ...h }, wrongKey);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('login failed');
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('does not read a key from a stdin that is not a terminal unless --password-stdin is given', async () => {
    const h = home();
    const r = await run(['login', '--host', demo.host, '--username', USER], { ...h }, `${APIKEY}\n`);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--password-stdin');
    expect(existsSync(configFile(h))).toBe(false);
  });

  it('never takes the secret as an argument', async () => {
    const h = home();
    const before = demo.seen.length;
    const r = await run(['login', '--host', demo.host, '--username', USER, '--password', APIKEY], { ...h });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Error: .*--password/);
    expect(demo.seen.length).toBe(before);
    expect(existsSync(configFile(h))).toBe(false);
  });
});

// --- the lookup order --------------------------------------------------------------------------

describe('credentials lookup order: environment, then profile, then ~/.docker/config.json', () => {
  // One emulator per source; each accepts only its own account.
  let auth: Account, apikey: Account, pass: Account, profile: Account, docker: Account, helper: Account;
  let authValue: string;

  beforeAll(async () => {
    auth = await startAccount('auth-user', secret('auth-secret-R4w'), 'auth-hook');
    apikey = await startAccount('env-user', secret('env-apikey-T8p'), 'apikey-hook');
    pass = await startAccount('env-user', secret('env-password-K2m'), 'pass-hook');
    profile = await startAccount('profile-user', secret('profile-apikey-Z5c'), 'profile-hook');
    docker = await startAccount('docker-user', secret('docker-secret-W9n'), 'docker-hook');
    helper = await startAccount('helper-user', secret('helper-secret-B6v'), 'helper-hook');
    authValue = secret(basic(auth.user, auth.secret));
    secret(b64(auth.user, auth.secret));
    for (const a of [apikey, pass, profile, docker, helper]) secret(b64(a.user, a.secret));
  });

  /** A home with every lower source filled in: a profile (with host and namespace) and a docker auths entry. */
  function fullHome(): Home {
    const h = home();
    writeConfig(h, { profiles: { default: { user: profile.user, apikey: profile.secret, host: profile.host, namespace: 'nsprofile' } } });
    writeDockerConfig(h, { auths: { [INDEX]: { auth: b64(docker.user, docker.secret) } } });
    return h;
  }

  const env = () => ({
    DOCKERCLOUD_AUTH: authValue,
    DOCKERCLOUD_USER: apikey.user,
    DOCKERCLOUD_APIKEY: apikey.secret,
    DOCKERCLOUD_PASS: pass.secret,
  });

  /** Runs `list web --json` and checks that `account` answered it, with its own credentials. */
  async function listAt(account: Account, args: string[], e: Record<string, string>): Promise<Seen[]> {
    const before = account.seen.length;
    const r = await run(['list', 'web', '--json', ...args], e);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(hooks(r)).toEqual([account.hook]);
    const seen = account.seen.slice(before);
    expect(seen.length).toBeGreaterThan(0);
    for (const s of seen) expect(s.authorization).toBe(basic(account.user, account.secret));
    return seen;
  }

  it('DOCKERCLOUD_AUTH comes first; --host and --namespace beat the environment and the profile', async () => {
    const h = fullHome();
    const seen = await listAt(auth, ['--host', auth.host, '--namespace', 'nsflag'], {
      ...h,
      ...env(),
      DOCKERCLOUD_REST_HOST: apikey.host,
      DOCKERCLOUD_NAMESPACE: 'nsenv',
    });
    expect(seen[0]!.url).toMatch(/^\/api\/app\/v1\/nsflag\/service\//);
    for (const a of [apikey, profile]) expect(a.seen).toEqual([]);
  });

  it('config show --json names DOCKERCLOUD_AUTH as the source, with its user, the secret masked', async () => {
    const h = fullHome();
    const r = await run(['config', 'show', '--json'], { ...h, ...env() });
    expect(r.code).toBe(0);
    const shown = JSON.parse(r.stdout);
    expect(shown).toMatchObject({ credentials: 'DOCKERCLOUD_AUTH', user: 'auth-user', secret: '********', host: profile.host, namespace: 'nsprofile' });
  });

  it('DOCKERCLOUD_USER + DOCKERCLOUD_APIKEY come next, before DOCKERCLOUD_PASS; DOCKERCLOUD_REST_HOST and DOCKERCLOUD_NAMESPACE beat the profile', async () => {
    const h = fullHome();
    const { DOCKERCLOUD_AUTH: _, ...rest } = env();
    const seen = await listAt(apikey, [], { ...h, ...rest, DOCKERCLOUD_REST_HOST: apikey.host, DOCKERCLOUD_NAMESPACE: 'nsenv' });
    expect(seen[0]!.url).toMatch(/^\/api\/app\/v1\/nsenv\/service\//);
  });

  it('DOCKERCLOUD_USER + DOCKERCLOUD_PASS come before the profile', async () => {
    const h = fullHome();
    await listAt(pass, [], { ...h, DOCKERCLOUD_USER: pass.user, DOCKERCLOUD_PASS: pass.secret, DOCKERCLOUD_REST_HOST: pass.host });
  });

  it('the active profile (its credentials, host and namespace) comes before docker config.json, whose helper is not even run', async () => {
    const h = home();
    writeConfig(h, { profiles: { default: { user: profile.user, apikey: profile.secret, host: profile.host, namespace: 'nsprofile' } } });
    writeDockerConfig(h, { credsStore: 'fake' });
    const input = join(h.HOME, 'helper-input');
    const seen = await listAt(profile, [], {
      ...h,
      PATH: `${fakeHelperBin(h)}:${process.env.PATH}`,
      FAKE_CRED_INPUT: input,
      FAKE_CRED_USER: helper.user,
      FAKE_CRED_SECRET: helper.secret,
    });
    expect(seen[0]!.url).toMatch(/^\/api\/app\/v1\/nsprofile\/service\//);
    expect(existsSync(input)).toBe(false);
  });

  it('falls back to the auths entry of ~/.docker/config.json, and leaves that file as it was', async () => {
    const h = home();
    const text = JSON.stringify({ auths: { [INDEX]: { auth: b64(docker.user, docker.secret) } } }, null, '\t');
    const path = writeDockerConfig(h, text);
    const seen = await listAt(docker, ['--host', docker.host], { ...h });
    expect(seen[0]!.url).toMatch(/^\/api\/app\/v1\/service\//);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('falls back to the credsStore helper, fed the index URL on stdin', async () => {
    const h = home();
    writeDockerConfig(h, { credsStore: 'fake' });
    const input = join(h.HOME, 'helper-input');
    await listAt(helper, ['--host', helper.host], {
      ...h,
      PATH: `${fakeHelperBin(h)}:${process.env.PATH}`,
      FAKE_CRED_INPUT: input,
      FAKE_CRED_USER: helper.user,
      FAKE_CRED_SECRET: helper.secret,
    });
    expect(readFileSync(input, 'utf8').trim()).toBe(INDEX);
  });

  it('with a helper that has no entry and nothing else, exits 3 saying how to log in', async () => {
    const h = home();
    writeDockerConfig(h, { credsStore: 'fake' });
    const input = join(h.HOME, 'helper-input');
    const before = helper.seen.length;
    const r = await run(['list', 'web', '--host', helper.host], {
      ...h,
      PATH: `${fakeHelperBin(h)}:${process.env.PATH}`,
      FAKE_CRED_INPUT: input,
      FAKE_CRED_MISSING: '1',
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^Error: no credentials/);
    expect(r.stderr).toContain('trigger login');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(readFileSync(input, 'utf8').trim()).toBe(INDEX);
    expect(helper.seen.length).toBe(before);
  });

  it('with no credentials anywhere, config show reports the defaults and a request exits 3 saying how to log in', async () => {
    const h = home();
    const show = await run(['config', 'show', '--json'], { ...h });
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({
      profile: 'default',
      host: 'https://cloud.docker.com/',
      namespace: null,
      user: null,
      credentials: null,
      secret: null,
      config_file: configFile(h),
    });

    const before = docker.seen.length;
    const r = await run(['list', 'web', '--host', docker.host], { ...h });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^Error: no credentials/);
    expect(r.stderr).toContain('trigger login');
    expect(r.stdout).toBe('');
    expect(docker.seen.length).toBe(before);
  });
});

// --- profiles ----------------------------------------------------------------------------------

describe('profiles', () => {
  let alice: Account, bob: Account;
  const h = home();
  const list = async (args: string[], extra: Record<string, string> = {}): Promise<Result> => {
    const r = await run(['list', 'web', '--json', ...args], { ...h, ...extra });
    return r;
  };

  beforeAll(async () => {
    alice = await startAccount('alice', secret('alice-key-J3d'), 'alice-hook');
    bob = await startAccount('bob', secret('bob-key-M7s'), 'bob-hook');
    secret(b64('alice', alice.secret));
    secret(b64('bob', bob.secret));
  });

  it('login saves each account in its own profile', async () => {
    const a = await run(['login', '--host', alice.host, '-u', 'alice', '--password-stdin'], { ...h }, `${alice.secret}\n`);
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('profile default');
    const b = await run(['--profile', 'work', 'login', '--host', bob.host, '-u', 'bob', '--password-stdin'], { ...h }, `${bob.secret}\n`);
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
    const use = await run(['config', 'use', 'work'], { ...h });
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
    const text = await run(['--profile', 'default', 'config', 'show'], { ...h });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Profile:\s+default \(from --profile\)$/m);
    expect(text.stdout).toMatch(/^User:\s+alice$/m);
    expect(text.stdout).toContain(alice.host);
    expect(text.stdout).toContain(configFile(h));
    expect(text.stdout).toContain('********');

    const json = await run(['config', 'show', '--json', '--profile', 'default'], { ...h });
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

  it('logout --profile forgets that profile\'s credentials only', async () => {
    const r = await run(['logout', '--profile', 'work'], { ...h });
    expect(r.code).toBe(0);
    const saved = readConfig(h);
    expect(saved.profiles?.work?.user).toBeUndefined();
    expect(saved.profiles?.work?.apikey).toBeUndefined();
    expect(readFileSync(configFile(h), 'utf8')).not.toContain(bob.secret);
    expect(saved.profiles?.default).toMatchObject({ user: 'alice', apikey: alice.secret });

    // work is still the current profile, and has no credentials left
    const before = bob.seen.length;
    const after = await list([]);
    expect(after.code).toBe(3);
    expect(after.stderr).toContain('trigger login');
    expect(bob.seen.length).toBe(before);
  });
});

// --- config set / unset ------------------------------------------------------------------------

describe('config set and unset', () => {
  const h = home();

  it('set stores host, timeout, insecure and namespace in the profile, file 0600 in a folder made 0700', async () => {
    mkdirSync(h.TRIGGER_CONFIG_DIR, { mode: 0o755 });
    chmodSync(h.TRIGGER_CONFIG_DIR, 0o755);
    const host = await run(['config', 'set', 'host', 'http://127.0.0.1:9/'], { ...h });
    expect(host.code).toBe(0);
    expect(mode(configFile(h))).toBe(0o600);
    expect(mode(h.TRIGGER_CONFIG_DIR)).toBe(0o700);

    expect((await run(['config', 'set', 'timeout', '12.5'], { ...h })).code).toBe(0);
    expect((await run(['config', 'set', 'insecure', 'yes'], { ...h })).code).toBe(0);
    expect((await run(['--profile', 'work', 'config', 'set', 'namespace', 'acme'], { ...h })).code).toBe(0);

    const saved = readConfig(h);
    expect(saved.profiles?.default).toEqual({ host: 'http://127.0.0.1:9/', timeout: 12.5, insecure: true });
    expect(saved.profiles?.work).toEqual({ namespace: 'acme' });
    expect(mode(configFile(h))).toBe(0o600);
    expect(readdirSync(h.TRIGGER_CONFIG_DIR)).toEqual(['config.json']);
  });

  it('unset removes one setting and keeps the others', async () => {
    const r = await run(['config', 'unset', 'host'], { ...h });
    expect(r.code).toBe(0);
    expect(readConfig(h).profiles?.default).toEqual({ timeout: 12.5, insecure: true });
    expect(mode(configFile(h))).toBe(0o600);
  });

  it.each([
    { name: 'set of an unknown key', args: ['config', 'set', 'color', 'true'], message: /unknown setting 'color'/ },
    { name: 'set host to a URL that is not http(s)', args: ['config', 'set', 'host', 'ftp://127.0.0.1/'], message: /host must be an http\(s\) URL/ },
    { name: 'set timeout to a word', args: ['config', 'set', 'timeout', 'soon'], message: /timeout must be a number/ },
    { name: 'unset of an unknown key', args: ['config', 'unset', 'apikey'], message: /unknown setting 'apikey'/ },
    { name: 'set of a name every object has', args: ['config', 'set', 'toString', 'x'], message: /unknown setting 'toString'/ },
    { name: 'set of __proto__', args: ['config', 'set', '__proto__', 'x'], message: /unknown setting '__proto__'/ },
  ])('$name is a usage error (exit 2) that changes nothing', async ({ args, message }) => {
    const before = readFileSync(configFile(h), 'utf8');
    const r = await run(args, { ...h });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Error: /);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(readFileSync(configFile(h), 'utf8')).toBe(before);
  });
});

// --- unreadable files --------------------------------------------------------------------------

describe('unreadable files are reported and left untouched', () => {
  let demo: Account;
  beforeAll(async () => {
    demo = await startAccount('corrupt-user', secret('corrupt-key-D1f'), 'corrupt-hook');
    secret(b64('corrupt-user', 'corrupt-key-D1f'));
  });

  const demoEnv = () => ({ DOCKERCLOUD_USER: demo.user, DOCKERCLOUD_APIKEY: demo.secret, DOCKERCLOUD_REST_HOST: demo.host });

  it('a config file that is not JSON: a command exits 1 with the documented message', async () => {
    const h = home();
    const text = '{"profiles": {"default": {"user": "x",';
    const path = writeConfig(h, text);
    const before = demo.seen.length;
    const r = await run(['list', 'web'], { ...h, ...demoEnv() });
    expectUnreadable(r, path);
    expect(r.stderr).toContain('not valid JSON');
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(demo.seen.length).toBe(before);
  });

  it('a config file that is not JSON is not overwritten by config set', async () => {
    const h = home();
    const text = 'currentProfile = "work"\n';
    const path = writeConfig(h, text);
    const r = await run(['config', 'set', 'host', demo.host], { ...h });
    expectUnreadable(r, path);
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(readdirSync(h.TRIGGER_CONFIG_DIR)).toEqual(['config.json']);
  });

  it('a config file of the wrong shape stops login before anything is sent or written', async () => {
    const h = home();
    const text = '{"profiles": {"default": {"apikey": 42}}}';
    const path = writeConfig(h, text);
    const before = demo.seen.length;
    const r = await run(['login', '--host', demo.host, '--username', demo.user, '--password-stdin'], { ...h }, demo.secret);
    expectUnreadable(r, path);
    expect(r.stderr).toMatch(/"apikey" of profile "default"/);
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(demo.seen.length).toBe(before);
  });

  it('a broken ~/.docker/config.json, when it is needed: exit 1, the same message form, file untouched', async () => {
    const h = home();
    const text = '{"auths": {"https://index.docker.io/v1/": {"auth": ';
    const path = writeDockerConfig(h, text);
    const before = demo.seen.length;
    const r = await run(['list', 'web', '--host', demo.host], { ...h });
    expectUnreadable(r, path);
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(demo.seen.length).toBe(before);
  });
});

// --- next steps in errors ------------------------------------------------------------------------

describe('errors say what to do next, from where the host and the credentials came from', () => {
  let acct: Account;
  let dead: string;
  beforeAll(async () => {
    acct = await startAccount('hint-user', secret('hint-key-6Vb'), 'hint-hook');
    secret(b64('hint-user', acct.secret));
    dead = `http://127.0.0.1:${await deadPort()}/`;
  });

  const REFUSED = (host: string): string => `Error: cannot reach the API: connection refused (GET ${host}api/app/v1/service/?name=web&limit=10)`;
  const envCredentials = () => ({ DOCKERCLOUD_USER: acct.user, DOCKERCLOUD_APIKEY: acct.secret });

  /** Where the host comes from: what the run is given (in home `h`) to get `host` from there, and the hint that follows. */
  const WAYS: { name: string; give: (host: string, h: Home) => { args: string[]; env: Record<string, string> }; hint: (host: string) => string }[] = [
    {
      name: '--host',
      give: (host) => ({ args: ['--host', host], env: {} }),
      hint: (host) => `The host ${host} was given with --host: check it, and that the API runs there.`,
    },
    {
      name: 'DOCKERCLOUD_REST_HOST',
      give: (host) => ({ args: [], env: { DOCKERCLOUD_REST_HOST: host } }),
      hint: (host) => `The host ${host} comes from DOCKERCLOUD_REST_HOST: check it, or unset it.`,
    },
    {
      name: 'a profile',
      give: (host, h) => {
        writeConfig(h, { profiles: { work: { host } } });
        return { args: ['--profile', 'work'], env: {} };
      },
      hint: (host) => `The host ${host} comes from profile work: change it with 'trigger --profile work config set host URL'.`,
    },
  ];

  it.each(WAYS)('a connection refused names the host from $name and how to change it (exit 5)', async ({ give, hint }) => {
    const h = home();
    const { args, env } = give(dead, h);
    const r = await run(['list', 'web', '--no-retry', ...args], { ...h, ...envCredentials(), ...env });
    expect(r.code).toBe(5);
    expect(r.stderr.split('\n')).toEqual([REFUSED(dead), hint(dead), '']);
  });

  it('the default host: the hint names the three ways to give another', async () => {
    const { Context } = await import('../src/context.js');
    const { NetworkError } = await import('../src/errors.js');
    const { processIO } = await import('../src/io.js');
    const ctx = new Context({ io: processIO(), env: { ...home() } });
    ctx.settings();
    const refused = Object.assign(new NetworkError('cannot reach the API: host not found (GET https://cloud.docker.com/api/app/v1/service/)'), { code: 'ENOTFOUND' });
    expect(ctx.nextStep(refused)).toBe(
      "The host https://cloud.docker.com/ is the default: give another with --host, DOCKERCLOUD_REST_HOST or 'trigger config set host URL'.",
    );
    // A trigger URL given in full may name another host: no word about the REST host then.
    const elsewhere = Object.assign(new NetworkError('cannot reach the API: connection refused (POST https://hooks.example/api/app/v1/service/x/trigger/y/call/)'), {
      code: 'ECONNREFUSED',
    });
    expect(ctx.nextStep(elsewhere)).toBeUndefined();
  });

  it('credentials the API refuses: the hint is about the source they came from', async () => {
    const h = home();
    const wrong = secret('wrong-key-8Gd');
    const wrongAuth = secret(basic(acct.user, wrong));
    secret(b64(acct.user, wrong));
    writeConfig(h, { profiles: { work: { user: acct.user, apikey: wrong, host: acct.host, loginHost: acct.host } } });
    const cases = [
      {
        env: { DOCKERCLOUD_AUTH: wrongAuth, DOCKERCLOUD_REST_HOST: acct.host },
        hint:
          "Check DOCKERCLOUD_AUTH, sent as the whole Authorization header ('Basic ' and the base64 of user:apikey), " +
          'or unset it: it comes before every other source of credentials.',
      },
      {
        env: { DOCKERCLOUD_USER: acct.user, DOCKERCLOUD_APIKEY: wrong, DOCKERCLOUD_REST_HOST: acct.host },
        hint: 'Check DOCKERCLOUD_USER and DOCKERCLOUD_APIKEY, or unset them: they come before the saved login.',
      },
      {
        env: { DOCKERCLOUD_USER: acct.user, DOCKERCLOUD_PASS: wrong, DOCKERCLOUD_REST_HOST: acct.host },
        hint: 'Check DOCKERCLOUD_USER and DOCKERCLOUD_PASS, or unset them: they come before the saved login.',
      },
      { env: { TRIGGER_PROFILE: 'work' }, hint: 'Log in again: trigger --profile work login' },
    ];
    for (const { env, hint } of cases) {
      const r = await run(['list', 'web'], { ...h, ...env });
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/^Error: the API refused the credentials: /);
      expect(r.stderr.split('\n').slice(1)).toEqual([hint, '']);
    }
  });

  it('DOCKERCLOUD_USER without a key or password, or either without a user, is an error (exit 3), not a fall back to the profile', async () => {
    const h = home();
    writeConfig(h, { profiles: { default: { user: acct.user, apikey: acct.secret, host: acct.host, loginHost: acct.host } } });
    const cases = [
      {
        env: { DOCKERCLOUD_USER: acct.user },
        lines: ['Error: DOCKERCLOUD_USER is set, but neither DOCKERCLOUD_APIKEY nor DOCKERCLOUD_PASS is', 'Set DOCKERCLOUD_APIKEY too, or unset DOCKERCLOUD_USER to use the saved login.'],
      },
      {
        env: { DOCKERCLOUD_APIKEY: acct.secret },
        lines: ['Error: DOCKERCLOUD_APIKEY is set, but DOCKERCLOUD_USER is not', 'Set DOCKERCLOUD_USER too, or unset DOCKERCLOUD_APIKEY to use the saved login.'],
      },
      {
        env: { DOCKERCLOUD_PASS: acct.secret },
        lines: ['Error: DOCKERCLOUD_PASS is set, but DOCKERCLOUD_USER is not', 'Set DOCKERCLOUD_USER too, or unset DOCKERCLOUD_PASS to use the saved login.'],
      },
    ];
    const before = acct.seen.length;
    for (const { env, lines } of cases) {
      const r = await run(['list', 'web'], { ...h, ...env });
      expect(r.code).toBe(3);
      expect(r.stderr.split('\n')).toEqual([...lines, '']);
      expect(r.stdout).toBe('');
    }
    expect(acct.seen.length).toBe(before);
    // The saved login alone still works.
    const ok = await run(['list', 'web', '--json'], { ...h });
    expect(ok.code, ok.stderr).toBe(0);
  });
});

// --- secrets never shown -----------------------------------------------------------------------

afterAll(() => {
  // the check below really looked at the outputs of this file's runs
  expect(spawns).toBeGreaterThan(30);
  expect(outputs).toHaveLength(spawns * 2);
  expect(SECRETS.length).toBeGreaterThan(10);
  const leaks: string[] = [];
  for (const { args, text } of outputs) {
    for (const s of SECRETS) if (text.includes(s)) leaks.push(`'${s}' in the output of trigger ${args.join(' ')}`);
  }
  expect(leaks).toEqual([]);
});

describe('login and unreadable settings, in-process', () => {
  it('login checks with the same User-Agent as every request, and keeps the host it checked against', async () => {
    const acct = await startAccount('ua-user', secret('ua-key-5Tq'), 'ua-hook');
    const h = home();
    const r = await runCli(['login', '-u', acct.user, '--password-stdin'], { ...h, DOCKERCLOUD_REST_HOST: acct.host }, { stdin: `${acct.secret}\n` });
    expect(r.code, r.stderr).toBe(0);
    expect(acct.seen.map((q) => q.userAgent)).toEqual([`trigger/${VERSION}`]);
    // Without the variable, the saved credentials still go to the host they were checked against.
    expect(readConfig(h).profiles?.default?.host).toBe(acct.host);
    const list = await runCli(['list', 'web', '--json'], h);
    expect(list.code, list.stderr).toBe(0);
    expect(hooks(list)).toEqual(['ua-hook']);
  });

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
    const path = writeDockerConfig(h, { auths: { [INDEX]: { auth: 'not base64\nat all' } } });
    const r = await runCli(['list', 'web'], { ...h, DOCKERCLOUD_REST_HOST: 'http://127.0.0.1:9/' });
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(`Error: cannot read config file ${path}: the auth of ${INDEX} is not base64`);
  });
});
