// --debug (and TRIGGER_DEBUG=1): it opens with what is running (versions, host, where the credentials
// come from, never them); then one line per request and one per answer (with the try it is), with the
// credentials and the UUIDs of triggers masked; and the stack of an error points at the TypeScript
// sources, through the source map the build writes beside the bundle. The built CLI and in-process
// runs, against the emulator or a scripted loopback server.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBundle } from '../src/code-cache.js';
import { triggerCallPath, triggerPath, triggersPath } from '../src/api/paths.js';
import { emulatorEnv, ROOT, runCli, spawnCli, tempHome } from './helpers/cli.js';
import { APIKEY, startEmulator, USER, type RunningEmulator } from './helpers/emulator.js';
import { debugLines } from './helpers/expect.js';
import { json, startFaultServer, status, type FaultServer } from './helpers/fault-server.js';
import { standardSeed, T_DEPLOY, T_OLD, T_SCALE, WEB_DEMO, webDemo } from './helpers/fixture.js';

const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const RUNNING = `[debug] trigger ${version}, Node.js ${process.version} (${process.platform}/${process.arch})`;

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());

describe('the first line of --debug says what is running', () => {
  it('the versions, the host and the source of the credentials; then the code cache', async () => {
    const r = await spawnCli(['--debug', 'list', 'web'], emulatorEnv(emu.url));
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n');
    expect(lines.slice(0, 2)).toEqual([
      `${RUNNING}, host ${emu.url}/, credentials from DOCKERCLOUD_USER + DOCKERCLOUD_APIKEY`,
      '[debug] code cache accepted',
    ]);
    expect(lines[2]).toMatch(/^\[debug\] > GET /);
  });

  it('credentials saved by login are named by their profile and file (TRIGGER_DEBUG=1 too), never shown', async () => {
    const home = tempHome();
    const login = await spawnCli(['--host', `${emu.url}/`, 'login', '-u', USER, '--password-stdin'], home, APIKEY);
    expect(login.code).toBe(0);
    const r = await spawnCli(['--host', `${emu.url}/`, 'list', 'web'], { ...home, TRIGGER_DEBUG: '1' });
    expect(r.code).toBe(0);
    const first = r.stderr.split('\n')[0];
    expect(first.startsWith(`${RUNNING}, host ${emu.url}/, credentials from `)).toBe(true);
    expect(first).toContain('profile default');
    expect(r.stderr).not.toContain(APIKEY);
  });

  it('a command that needs neither host nor credentials still runs when they are unusable, and says so', async () => {
    const [none, badHost] = await Promise.all([
      spawnCli(['--debug', 'version'], tempHome()),
      spawnCli(['--debug', 'version'], {
        ...tempHome(),
        DOCKERCLOUD_REST_HOST: 'ftp://example.invalid/',
        DOCKERCLOUD_AUTH: 'Basic \u0001',
      }),
    ]);
    expect(none.code).toBe(0);
    expect(none.stderr.split('\n')[0]).toBe(`${RUNNING}, host https://cloud.docker.com/, no credentials`);
    expect(badHost.code).toBe(0);
    expect(badHost.stderr.split('\n')[0]).toBe(
      `${RUNNING}, settings unusable (DOCKERCLOUD_REST_HOST must be an http(s) URL, not a ftp URL), ` +
        'credentials unusable (DOCKERCLOUD_AUTH is not a valid Authorization value (it holds control or non-ASCII characters))',
    );
  });

  it('without --debug, none of it', async () => {
    const r = await spawnCli(['list', 'web'], emulatorEnv(emu.url));
    // The service has no triggers: that notice is all there is on stderr.
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: 'no triggers in service web.demo\n' });
  });
});

describe('stacks under --debug point at the TypeScript sources', () => {
  it('the frame that threw names the .ts file and the line that holds the throw', async () => {
    const r = await spawnCli(['--debug', '--timeout', 'abc', 'list', 'web'], emulatorEnv(emu.url));
    expect(r.code).toBe(2);
    const frame = r.stderr.split('\n').find((l) => /^\s+at /.test(l));
    const m = /\((\/[^()]+\.ts):(\d+):(\d+)\)$/.exec(frame ?? '');
    expect(m, frame).not.toBeNull();
    const [, file, line] = m!;
    expect(file).toBe(join(ROOT, 'src/settings.ts'));
    expect(readFileSync(file, 'utf8').split('\n')[Number(line) - 1]).toContain('UsageError');
  });

  it('the map lies beside the bundle, not inside it, and names the sources', () => {
    const bundle = readFileSync(join(ROOT, 'dist/main.cjs'), 'latin1');
    expect(bundle).not.toContain('sourceMappingURL');
    const map = join(ROOT, 'dist/main.cjs.map');
    expect(existsSync(map)).toBe(true);
    const { sources } = JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] };
    expect(sources).toContain('../src/main.ts');
  });

  it("positions on the first line of a bundle are its own, the loader's wrapper not counted", () => {
    const dir = mkdtempSync(join(tmpdir(), 'trigger-bundle-'));
    try {
      const file = join(dir, 'first-line.cjs');
      const source = 'module.exports = () => { throw new Error("here"); };\n';
      writeFileSync(file, source);
      const { exports: fail } = loadBundle<() => void>(file, false);
      let stack = '';
      try {
        fail();
      } catch (err) {
        stack = (err as Error).stack ?? '';
      }
      expect(stack).toContain(`${file}:1:${source.indexOf('new Error') + 1}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// --- the lines of each request and answer ---

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

const MASKED = `/api/app/v1/service/${WEB_DEMO}/trigger/${T_DEPLOY.slice(0, 4)}…/`;
const callUrl = (f: { url: string }): string => `${f.url}${triggerCallPath(WEB_DEMO, T_DEPLOY)}`;
const trigger = (): Record<string, string> => ({
  uuid: T_DEPLOY,
  name: 'deploy-hook',
  operation: 'REDEPLOY',
  url: triggerCallPath(WEB_DEMO, T_DEPLOY),
  resource_uri: triggerPath(WEB_DEMO, T_DEPLOY),
});

/** An emulator whose service web has the one trigger deploy-hook; every request it was sent. */
async function emulator(): Promise<{ emu: RunningEmulator; urls: string[] }> {
  const emu = await startEmulator({ seed: [{ ...webDemo(), triggers: webDemo().triggers!.slice(0, 1) }] });
  cleanups.push(() => emu.close());
  const urls: string[] = [];
  emu.server.on('request', (req) => urls.push(`${req.method} ${req.url}`));
  return { emu, urls };
}

async function scripted(): Promise<FaultServer> {
  const f = await startFaultServer();
  cleanups.push(() => f.close());
  return f;
}

describe('--debug lines: one per request and one per answer, the trigger UUID masked', () => {
  it('one > and one < line per request; no Authorization value, API key or full trigger UUID', async () => {
    // The credentials are the run-wide scan's to find; a trigger UUID shows in stdout elsewhere, so it is checked here.
    const { emu, urls } = await emulator();
    const r = await runCli(['--debug', 'call', WEB_DEMO, T_DEPLOY], emulatorEnv(emu.url));
    expect(r.code).toBe(0);
    const { sent, received } = debugLines(r.stderr);
    expect(urls).toHaveLength(2);
    expect(sent).toHaveLength(2);
    expect(received).toHaveLength(2);
    expect(sent[0]).toContain(`GET ${emu.url}${MASKED}`);
    expect(sent[1]).toContain(`POST ${emu.url}${MASKED}call/`);
    expect(received[0]).toMatch(new RegExp(`< 200 GET ${emu.url}\\S*/trigger/d1d1…/ \\(\\d+ ms`));
    expect(received[1]).toMatch(new RegExp(`< 202 POST ${emu.url}\\S*/trigger/d1d1…/call/ \\(\\d+ ms`));
    expect(r.stderr).not.toContain(T_DEPLOY);
  });

  it('TRIGGER_DEBUG=1 turns it on too; the retry count shows on the second try', async () => {
    const f = await scripted();
    f.enqueue(status(503), json(200, { meta: { limit: 25, offset: 0, next: null, previous: null, total_count: 1 }, objects: [trigger()] }));
    const r = await runCli(['list', WEB_DEMO], emulatorEnv(f.url, { TRIGGER_DEBUG: '1' }));
    expect(r.code).toBe(0);
    const { sent, received } = debugLines(r.stderr);
    expect(sent).toHaveLength(2);
    expect(received).toHaveLength(2);
    expect(sent[0]).toContain(`GET ${f.url}${triggersPath(WEB_DEMO)}`);
    expect(sent[0]).not.toMatch(/try/);
    expect(sent[1]).toMatch(/try 2/);
    expect(received[0]).toMatch(/< 503 GET/);
    expect(received[1]).toMatch(/< 200 GET .*try 2/);
  });

  it('without --debug there are no debug lines', async () => {
    const { emu } = await emulator();
    const r = await runCli(['list', WEB_DEMO], emulatorEnv(emu.url));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('an error under --debug adds the stack, still masked; without --debug no stack', async () => {
    const f = await scripted();
    f.fallback(status(500));
    const plain = await runCli(['call', callUrl(f)], emulatorEnv(f.url));
    expect(plain.code).toBe(1);
    expect(plain.stderr).not.toMatch(/^\s+at /m);
    const debug = await runCli(['call', callUrl(f), '--debug'], emulatorEnv(f.url));
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/^Error: /m);
    expect(debug.stderr).toMatch(/^\s+at /m);
    expect(debug.stderr).not.toContain(T_DEPLOY);
  });
});

describe('--debug masks what must stay secret', () => {
  it('--debug masks the credentials and the trigger UUIDs of call URLs', async () => {
    const emu = await startEmulator({ seed: standardSeed() });
    cleanups.push(() => emu.close());
    const env = emulatorEnv(emu.url);
    const call = await runCli(['call', 'web.demo', 'deploy-hook', '--debug'], env);
    const inspect = await runCli(['inspect', 'web.demo', T_SCALE], { ...env, TRIGGER_DEBUG: '1' });
    for (const r of [call, inspect]) {
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('[debug]');
      expect(r.stderr).not.toContain('demo-apikey');
      expect(r.stderr).not.toContain(emu.auth.slice('Basic '.length));
    }
    expect(call.stderr).toContain('/call/');
    expect(call.stderr).not.toContain(T_DEPLOY);
    expect(inspect.stderr).not.toContain(T_SCALE);
  });

  it('--debug on create, rm and call logs every request but no full trigger UUID; create prints the URL', async () => {
    const emu = await startEmulator({ seed: [webDemo()] });
    cleanups.push(() => emu.close());
    const create = await runCli(['create', 'web', '-n', 'fresh', '--debug'], emulatorEnv(emu.url));
    expect(create.code).toBe(0);
    const fresh = emu.store.service(WEB_DEMO)!.triggers.find((t) => t.name === 'fresh')!.uuid;
    expect(create.stdout).toContain(fresh);
    expect(create.stdout).toContain(`${emu.url}${triggerCallPath(WEB_DEMO, fresh)}`);
    expect(create.stderr).toMatch(/^\[debug\] > POST /m);
    expect(create.stderr).not.toContain(fresh);

    const rm = await runCli(['rm', 'web', 'old', '--debug'], emulatorEnv(emu.url));
    expect(rm.code).toBe(0);
    expect(rm.stdout).toBe(`${T_OLD}\n`);
    expect(rm.stderr).toMatch(new RegExp(`^\\[debug\\] > DELETE .*/trigger/${T_OLD.slice(0, 4)}…/ \\[Authorization: \\*\\*\\*\\]$`, 'm'));
    expect(rm.stderr).not.toContain(T_OLD);

    for (const args of [
      ['call', 'web', 'deploy-hook'],
      ['call', `${emu.url}${triggerCallPath(WEB_DEMO, T_DEPLOY)}`],
    ]) {
      const call = await runCli([...args, '--debug'], emulatorEnv(emu.url));
      expect(call.code).toBe(0);
      expect(call.stderr).toMatch(new RegExp(`^\\[debug\\] > POST .*/trigger/${T_DEPLOY.slice(0, 4)}…/call/$`, 'm'));
      expect(call.stderr).not.toContain(T_DEPLOY);
      expect(call.stdout).not.toContain(T_DEPLOY);
    }
  });
});
