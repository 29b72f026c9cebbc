// `trigger inspect`: the triggers named, by service and identifier or by their call URLs, as a JSON
// array in the order of the arguments; many of them at once (at most 8 requests in flight); and what it
// says of those it cannot find, naming their service as `name.stack`, while it prints the others.
// The built CLI and in-process runs against the emulator.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { triggerCallPath } from '../../src/api/paths.js';
import { emulatorEnv, runCli, spawnCli } from '../helpers/cli.js';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { expectErrorLine } from '../helpers/expect.js';
import { api, API, manyHooks, MISSING, numbered, T_API, T_DEPLOY, T_OLD, T_SCALE, WEB_DEMO, webDemo } from '../helpers/fixture.js';
import { instrument } from '../helpers/instrumented.js';

let emu: RunningEmulator;
let seen: string[];
beforeAll(async () => {
  emu = await startEmulator({ seed: [webDemo(), api()] });
  seen = [];
  emu.server.on('request', (req) => seen.push(`${req.method} ${req.url}`));
});
afterAll(() => emu.close());

describe('trigger inspect <service> <trigger>...', () => {
  it('prints a pretty JSON array, in argument order, for a UUID, a prefix and a name (built CLI)', async () => {
    const r = await spawnCli(['inspect', 'web.demo', T_OLD, 'd2d2', 'deploy-hook'], emulatorEnv(emu.url));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\[\n {2}\{\n {4}"uuid"/);
    const parsed = JSON.parse(r.stdout) as { uuid: string; name: string; resource_uri: string }[];
    expect(parsed.map((t) => [t.uuid, t.name])).toEqual([
      [T_OLD, 'old'],
      [T_SCALE, 'scale-hook'],
      [T_DEPLOY, 'deploy-hook'],
    ]);
    expect(parsed[0].resource_uri).toBe(`/api/app/v1/service/${WEB_DEMO}/trigger/${T_OLD}/`);
  });

  it('inspect goes on past a name that fails: prints the others, reports it, exits 1', async () => {
    const r = await runCli(['inspect', 'web.demo', 'deploy-hook', 'nosuch', T_SCALE], emulatorEnv(emu.url));
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { uuid: string }[]).map((t) => t.uuid)).toEqual([T_DEPLOY, T_SCALE]);
    expectErrorLine(r, "'nosuch'");
  });

  it('inspect of an unknown full trigger UUID is a not-found naming it (exit 4)', async () => {
    const r = await runCli(['inspect', 'web.demo', MISSING], emulatorEnv(emu.url));
    expect(r.code).toBe(4);
    expect(JSON.parse(r.stdout)).toEqual([]);
    // A trigger UUID is half a call URL: the message names it by its first 8 characters only.
    expectErrorLine(r, `'${MISSING.slice(0, 8)}…'`);
    expect(r.stderr).not.toContain(MISSING);
  });
});

describe('inspect of many triggers', () => {
  const running: RunningEmulator[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((e) => e.close()));
  });

  it('prints 50 triggers as a JSON array in argument order', async () => {
    const many = await startEmulator({ seed: manyHooks(210), pageSize: 25 });
    running.push(many);
    const probe = instrument(many.server);
    // Every third a full UUID, a UUID prefix, a name; neither in server order nor in its reverse.
    const order = Array.from({ length: 50 }, (_, k) => (k * 83 + 17) % 210);
    const ids = order.map((i) => [numbered(i), numbered(i).slice(0, 8), `hook-${i}`][i % 3]);

    const r = await runCli(['inspect', 'web', ...ids], emulatorEnv(many.url));

    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout) as { uuid: string; name: string }[];
    expect(printed.map((t) => t.uuid)).toEqual(order.map(numbered));
    expect(printed.map((t) => t.name)).toEqual(order.map((i) => `hook-${i}`));
    // nothing removed, nothing changed
    expect(many.store.state.services[0].triggers.length).toBe(210);
    expect(probe.maxInFlight()).toBeGreaterThan(1);
    expect(probe.maxInFlight()).toBeLessThanOrEqual(8);
    expect(probe.connections()).toBeLessThanOrEqual(3 * 8);
  });
});

describe('trigger inspect <trigger-url>...', () => {
  it('prints the triggers the URLs name, of any service, absolute or under the REST host', async () => {
    const r = await spawnCli(
      ['inspect', `${emu.url}${triggerCallPath(WEB_DEMO, T_SCALE)}`, triggerCallPath(API, T_API), '--json', 'uuid,name'],
      emulatorEnv(emu.url),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      { uuid: T_SCALE, name: 'scale-hook' },
      { uuid: T_API, name: 'api-hook' },
    ]);
  });

  it('a SCALEUP call URL with its count names the trigger too', async () => {
    const r = await spawnCli(['inspect', `${triggerCallPath(WEB_DEMO, T_SCALE)}3/`, '--format', '{{.name}}'], emulatorEnv(emu.url));
    expect(r).toEqual({ code: 0, stdout: 'scale-hook\n', stderr: '' });
  });

  it('a URL that is not a trigger call URL, or whose UUIDs are not UUIDs, is a usage error before any request', async () => {
    const before = seen.length;
    const example = 'https://cloud.docker.com/api/app/v1/service/<uuid>/trigger/<uuid>/call/';
    for (const url of [
      `${emu.url}/api/app/v1/service/${WEB_DEMO}/`,
      `/api/app/v1/service/${'-'.repeat(36)}/trigger/${T_DEPLOY}/call/`,
      `${emu.url}${triggerCallPath(WEB_DEMO, T_DEPLOY)}?x=1`,
    ]) {
      expect(await spawnCli(['inspect', url], emulatorEnv(emu.url))).toEqual({
        code: 2,
        stdout: '',
        stderr: `Error: the trigger URL must be a trigger call URL, like ${example}\nRun 'trigger inspect --help' for usage.\n`,
      });
    }
    expect(seen.length).toBe(before);
  });
});

describe('trigger inspect of a trigger it cannot find', () => {
  it('names the service as name.stack (exit 4)', async () => {
    const r = await spawnCli(['inspect', 'web', 'nosuch'], emulatorEnv(emu.url));
    expect(r).toEqual({
      code: 4,
      stdout: '[]\n',
      stderr: "Error: cannot find a trigger with the identifier 'nosuch' in service web.demo\n",
    });
  });
});
