// Saved credentials belong to the host `login` checked them against: they are never sent to another
// one, whatever --host, DOCKERCLOUD_REST_HOST or `config set host` say. Two emulators on loopback
// that accept the same account, each recording what it was sent; the built CLI spawned.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, spawnCli, type Result } from './helpers/cli.js';
import { APIKEY, startEmulator, USER, type RunningEmulator } from './helpers/emulator.js';
import { T_DEPLOY, WEB_DEMO, webDemo } from './helpers/fixture.js';
import { home, readConfig, removeHomes, writeConfig, writeDockerConfig, type Home } from './helpers/homes.js';

interface Host {
  emu: RunningEmulator;
  /** Root URL, as login keeps it. */
  url: string;
  seen: { method: string; url: string; authorization?: string }[];
}

let a: Host;
let b: Host;

async function host(): Promise<Host> {
  const emu = await startEmulator({ seed: [webDemo()] });
  const seen: Host['seen'] = [];
  emu.server.on('request', (req) => seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization }));
  return { emu, url: `${emu.url}/`, seen };
}

beforeAll(async () => {
  [a, b] = await Promise.all([host(), host()]);
});

afterAll(async () => {
  await Promise.all([a.emu.close(), b.emu.close()]);
  removeHomes();
});

async function loginAt(target: Host, h: Home, profile = 'default'): Promise<void> {
  const r = await spawnCli(['--profile', profile, '--host', target.url, 'login', '-u', USER, '--password-stdin'], { ...h }, APIKEY);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
}

/** The run stopped with exit 3 before any request, saying which host the credentials are for and how to get some for the other. */
function expectRefused(r: Result, savedFor: string, wanted: string, profile = 'default'): void {
  expect(r.code).toBe(3);
  expect(r.stdout).toBe('');
  const [line, hint] = r.stderr.split('\n');
  expect(line).toBe(`Error: the credentials saved in profile ${profile} are for ${savedFor}, not for ${wanted}`);
  expect(hint).toBe(
    `For ${wanted}, set DOCKERCLOUD_USER and DOCKERCLOUD_APIKEY, or log in to it in a profile of its own: trigger --profile NAME --host ${wanted} login`,
  );
}

describe('saved credentials go to the host they were checked against, and no other', () => {
  it('login at A, then --host B: exit 3, and B gets no request', async () => {
    const h = home();
    await loginAt(a, h);
    expect(readConfig(h).profiles?.default).toMatchObject({ loginHost: a.url });
    const before = b.seen.length;
    expectRefused(await spawnCli(['list', 'web', '--host', b.url], { ...h }), a.url, b.url);
    expect(b.seen.length).toBe(before);
  });

  it('login at A, then DOCKERCLOUD_REST_HOST=B: the same', async () => {
    const h = home();
    await loginAt(a, h);
    const before = b.seen.length;
    expectRefused(await spawnCli(['list', 'web'], { ...h, DOCKERCLOUD_REST_HOST: b.url }), a.url, b.url);
    expect(b.seen.length).toBe(before);
  });

  it('call --wait of a URL at B stops before the trigger is called', async () => {
    const h = home();
    await loginAt(a, h);
    const before = b.seen.length;
    const url = `${b.url}api/app/v1/service/${WEB_DEMO}/trigger/${T_DEPLOY}/call/`;
    expectRefused(await spawnCli(['call', url, '--wait', '--host', b.url], { ...h }), a.url, b.url);
    expect(b.seen.length).toBe(before);
  });

  it('hosts are compared normalised: A with a capital scheme and no trailing slash is A', async () => {
    const h = home();
    await loginAt(a, h);
    const before = a.seen.length;
    const r = await spawnCli(['list', 'web', '-q', '--host', a.emu.url.replace('http:', 'HTTP:')], { ...h });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(a.seen.slice(before).every((s) => s.authorization === a.emu.auth)).toBe(true);
  });

  it('config set host B moves the profile, not its credentials; config show tells', async () => {
    const h = home();
    await loginAt(a, h);
    expect((await spawnCli(['config', 'set', 'host', b.url], { ...h })).code).toBe(0);
    const before = b.seen.length;
    expectRefused(await spawnCli(['list', 'web'], { ...h }), a.url, b.url);
    expect(b.seen.length).toBe(before);

    const json = await spawnCli(['config', 'show', '--json'], { ...h });
    expect(JSON.parse(json.stdout)).toMatchObject({ host: b.url, credentials_host: a.url });
    const text = await spawnCli(['config', 'show'], { ...h });
    expect(text.stdout).toMatch(new RegExp(`^Saved for:\\s+${a.url}, not the host in effect$`, 'm'));
  });

  it('a file written before login kept the host: the profile host is the binding, and config set host keeps it', async () => {
    const h = home();
    writeConfig(h, { profiles: { default: { user: USER, apikey: APIKEY, host: a.url } } });
    const before = b.seen.length;
    expectRefused(await spawnCli(['list', 'web', '--host', b.url], { ...h }), a.url, b.url);
    expect((await spawnCli(['config', 'set', 'host', b.url], { ...h })).code).toBe(0);
    expect(readConfig(h).profiles?.default).toMatchObject({ host: b.url, loginHost: a.url });
    expectRefused(await spawnCli(['list', 'web'], { ...h }), a.url, b.url);
    expect(b.seen.length).toBe(before);
  });

  it('saved credentials with no host at all belong to the default host', async () => {
    const h = home();
    writeConfig(h, { profiles: { work: { user: USER, apikey: APIKEY } } });
    const before = b.seen.length;
    expectRefused(
      await spawnCli(['--profile', 'work', 'list', 'web', '--host', b.url], { ...h }),
      'https://cloud.docker.com/',
      b.url,
      'work',
    );
    expect(b.seen.length).toBe(before);
  });

  it('credentials from the environment go to the host in effect', async () => {
    const h = home();
    await loginAt(a, h);
    const before = b.seen.length;
    const r = await spawnCli(['list', 'web', '-q', '--host', b.url], { ...h, DOCKERCLOUD_USER: USER, DOCKERCLOUD_APIKEY: APIKEY });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(b.seen.length).toBeGreaterThan(before);
  });

  it('as the hint says, a profile of its own logged in at B works there', async () => {
    const h = home();
    await loginAt(a, h);
    await loginAt(b, h, 'b');
    const r = await spawnCli(['--profile', 'b', 'list', 'web', '-q'], { ...h });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('logout forgets the binding with the credentials', async () => {
    const h = home();
    await loginAt(a, h);
    expect((await spawnCli(['logout'], { ...h })).code).toBe(0);
    expect(readConfig(h).profiles?.default).toEqual({ host: a.url });
  });
});

describe("the credential helper of docker's config.json is given the run's time limit", () => {
  it('a helper that hangs is stopped after the request time limit (--timeout): exit 3 saying so, nothing sent', async () => {
    const h = home();
    const bin = join(h.HOME, 'bin');
    mkdirSync(bin);
    copyFileSync(join(ROOT, 'test/fixtures/docker-credential-fake'), join(bin, 'docker-credential-fake'));
    chmodSync(join(bin, 'docker-credential-fake'), 0o755);
    writeDockerConfig(h, { credsStore: 'fake' });
    // Nothing ever opens it for writing: the helper waits for good.
    const hang = join(h.HOME, 'hang');
    execFileSync('mkfifo', [hang]);
    const before = a.seen.length;
    const r = await spawnCli(['list', 'web', '--timeout', '1', '--host', a.url], {
      ...h,
      PATH: `${bin}:${process.env.PATH}`,
      FAKE_CRED_HANG: hang,
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('Error: the docker credential helper docker-credential-fake did not answer within 1 s\n');
    expect(a.seen.length).toBe(before);
  });
});
