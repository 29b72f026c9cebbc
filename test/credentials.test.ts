// Where the credentials come from, first found first: DOCKERCLOUD_AUTH, then DOCKERCLOUD_USER with
// DOCKERCLOUD_APIKEY, then with DOCKERCLOUD_PASS, then the profile, then ~/.docker/config.json (its
// auths entry, or its credsStore helper, which is fed the index URL); what `config show` says of them,
// secret masked; an incomplete set in the environment is an error, not a fall back; and the hint after
// credentials the API refuses names the source they came from. Emulators on loopback, each accepting
// one account only, so a request that succeeds tells which credentials were sent. The built CLI
// spawned with a temporary HOME and config folder; real files.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { b64, basic, hooks, startAccount, type Account, type Seen } from './helpers/account.js';
import { ROOT, runCli, spawnCli, tempHome } from './helpers/cli.js';
import { startEmulator, type RunningEmulator } from './helpers/emulator.js';
import { T_DEPLOY, T_OLD, T_SCALE, webDemo } from './helpers/fixture.js';
import { registerSecret } from './helpers/secrets.js';
import { configFile, home, removeHomes, writeConfig, writeDockerConfig, type Home } from './helpers/homes.js';

const INDEX = 'https://index.docker.io/v1/';
const FAKE_HELPER = join(ROOT, 'test/fixtures/docker-credential-fake');

const accounts: Account[] = [];
const emulators: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(emulators.splice(0).map((e) => e.close()));
});
afterAll(async () => {
  await Promise.all(accounts.map((a) => a.close()));
  removeHomes();
});

async function account(user: string, secret: string, hook: string): Promise<Account> {
  const a = await startAccount(user, secret, hook);
  accounts.push(a);
  return a;
}

/** A bin folder holding the fake docker-credential-fake helper, to put first on PATH. */
function fakeHelperBin(h: Home): string {
  const bin = join(h.HOME, 'bin');
  mkdirSync(bin, { recursive: true });
  copyFileSync(FAKE_HELPER, join(bin, 'docker-credential-fake'));
  chmodSync(join(bin, 'docker-credential-fake'), 0o755);
  return bin;
}

describe('credentials lookup order: environment, then profile, then ~/.docker/config.json', () => {
  // One emulator per source; each accepts only its own account.
  let auth: Account, apikey: Account, pass: Account, profile: Account, docker: Account, helper: Account;
  let authValue: string;

  beforeAll(async () => {
    auth = await account('auth-user', 'auth-secret-R4w', 'auth-hook');
    apikey = await account('env-user', 'env-apikey-T8p', 'apikey-hook');
    pass = await account('env-user', 'env-password-K2m', 'pass-hook');
    profile = await account('profile-user', 'profile-apikey-Z5c', 'profile-hook');
    docker = await account('docker-user', 'docker-secret-W9n', 'docker-hook');
    helper = await account('helper-user', 'helper-secret-B6v', 'helper-hook');
    authValue = basic(auth.user, auth.secret);
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
    const r = await spawnCli(['list', 'web', '--json', ...args], e);
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
    expect(seen[0].url).toMatch(/^\/api\/app\/v1\/nsflag\/service\//);
    for (const a of [apikey, profile]) expect(a.seen).toEqual([]);
  });

  it('config show --json names DOCKERCLOUD_AUTH as the source, with its user, the secret masked', async () => {
    const h = fullHome();
    const r = await spawnCli(['config', 'show', '--json'], { ...h, ...env() });
    expect(r.code).toBe(0);
    const shown = JSON.parse(r.stdout);
    expect(shown).toMatchObject({
      credentials: 'DOCKERCLOUD_AUTH',
      user: 'auth-user',
      secret: '********',
      host: profile.host,
      namespace: 'nsprofile',
    });
  });

  it('DOCKERCLOUD_USER + DOCKERCLOUD_APIKEY come next, before DOCKERCLOUD_PASS; DOCKERCLOUD_REST_HOST and DOCKERCLOUD_NAMESPACE beat the profile', async () => {
    const h = fullHome();
    const { DOCKERCLOUD_AUTH: _, ...rest } = env();
    const seen = await listAt(apikey, [], { ...h, ...rest, DOCKERCLOUD_REST_HOST: apikey.host, DOCKERCLOUD_NAMESPACE: 'nsenv' });
    expect(seen[0].url).toMatch(/^\/api\/app\/v1\/nsenv\/service\//);
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
    expect(seen[0].url).toMatch(/^\/api\/app\/v1\/nsprofile\/service\//);
    expect(existsSync(input)).toBe(false);
  });

  it('falls back to the auths entry of ~/.docker/config.json, and leaves that file as it was', async () => {
    const h = home();
    const text = JSON.stringify({ auths: { [INDEX]: { auth: b64(docker.user, docker.secret) } } }, null, '\t');
    const path = writeDockerConfig(h, text);
    const seen = await listAt(docker, ['--host', docker.host], { ...h });
    expect(seen[0].url).toMatch(/^\/api\/app\/v1\/service\//);
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
    const r = await spawnCli(['list', 'web', '--host', helper.host], {
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
    const show = await spawnCli(['config', 'show', '--json'], { ...h });
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
    const r = await spawnCli(['list', 'web', '--host', docker.host], { ...h });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^Error: no credentials/);
    expect(r.stderr).toContain('trigger login');
    expect(r.stdout).toBe('');
    expect(docker.seen.length).toBe(before);
  });
});

describe('credentials from the environment (in-process)', () => {
  it('DOCKERCLOUD_AUTH wins over USER + APIKEY, which win over USER + PASS', async () => {
    const emu = await startEmulator({ seed: [webDemo()] });
    emulators.push(emu);
    const base = { ...tempHome(), DOCKERCLOUD_REST_HOST: `${emu.url}/` };
    const [authWins, authWrong, apikeyWins, passAlone] = await Promise.all([
      runCli(['list', 'web.demo', '-q'], { ...base, DOCKERCLOUD_AUTH: emu.auth, DOCKERCLOUD_USER: 'demo', DOCKERCLOUD_APIKEY: 'bad' }),
      runCli(['list', 'web.demo', '-q'], {
        ...base,
        DOCKERCLOUD_AUTH: 'Basic bm9wZTpub3Bl',
        DOCKERCLOUD_USER: 'demo',
        DOCKERCLOUD_APIKEY: 'demo-apikey',
      }),
      runCli(['list', 'web.demo', '-q'], { ...base, DOCKERCLOUD_USER: 'demo', DOCKERCLOUD_APIKEY: 'bad', DOCKERCLOUD_PASS: 'demo-apikey' }),
      runCli(['list', 'web.demo', '-q'], { ...base, DOCKERCLOUD_USER: 'demo', DOCKERCLOUD_PASS: 'demo-apikey' }),
    ]);
    expect(authWins).toEqual({ code: 0, stdout: `${T_DEPLOY}\n${T_SCALE}\n${T_OLD}\n`, stderr: '' });
    expect(authWrong.code).toBe(3);
    expect(apikeyWins.code).toBe(3);
    expect(passAlone.code).toBe(0);
    expect(passAlone.stdout).toBe(authWins.stdout);
  });
});

describe('credentials that are refused or incomplete: what to do next', () => {
  let acct: Account;
  beforeAll(async () => {
    acct = await account('hint-user', 'hint-key-6Vb', 'hint-hook');
  });

  it('credentials the API refuses: the hint is about the source they came from', async () => {
    const h = home();
    const wrong = registerSecret('wrong-key-8Gd');
    const wrongAuth = registerSecret(basic(acct.user, wrong));
    registerSecret(b64(acct.user, wrong));
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
      const r = await spawnCli(['list', 'web'], { ...h, ...env });
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
        lines: [
          'Error: DOCKERCLOUD_USER is set, but neither DOCKERCLOUD_APIKEY nor DOCKERCLOUD_PASS is',
          'Set DOCKERCLOUD_APIKEY too, or unset DOCKERCLOUD_USER to use the saved login.',
        ],
      },
      {
        env: { DOCKERCLOUD_APIKEY: acct.secret },
        lines: [
          'Error: DOCKERCLOUD_APIKEY is set, but DOCKERCLOUD_USER is not',
          'Set DOCKERCLOUD_USER too, or unset DOCKERCLOUD_APIKEY to use the saved login.',
        ],
      },
      {
        env: { DOCKERCLOUD_PASS: acct.secret },
        lines: [
          'Error: DOCKERCLOUD_PASS is set, but DOCKERCLOUD_USER is not',
          'Set DOCKERCLOUD_USER too, or unset DOCKERCLOUD_PASS to use the saved login.',
        ],
      },
    ];
    const before = acct.seen.length;
    for (const { env, lines } of cases) {
      const r = await spawnCli(['list', 'web'], { ...h, ...env });
      expect(r.code).toBe(3);
      expect(r.stderr.split('\n')).toEqual([...lines, '']);
      expect(r.stdout).toBe('');
    }
    expect(acct.seen.length).toBe(before);
    // The saved login alone still works.
    const ok = await spawnCli(['list', 'web', '--json'], { ...h });
    expect(ok.code, ok.stderr).toBe(0);
  });
});
