// `trigger rotate` when the old trigger cannot be removed: the hint names it by its first 8 characters,
// as every message that names a trigger does, never more of its still-live UUID. `trigger rotate
// <trigger-url>`: the URL a user holds when it leaks names the trigger, and the old URL is said to be revoked.
import { afterEach, describe, expect, it } from 'vitest';
import { triggerCallPath, triggerPath } from '../../src/api/paths.js';
import { emulatorEnv, runCli, spawnCli } from '../helpers/cli.js';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { T_DEPLOY, WEB_DEMO, webDemo } from '../helpers/fixture.js';
import { forward, json, startFaultServer, type FaultServer } from '../helpers/fault-server.js';
import { registerSecret } from '../helpers/secrets.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

describe('trigger rotate, the old trigger left in place', () => {
  it('the hint to remove it shows 8 characters of its UUID', async () => {
    const emu: RunningEmulator = await startEmulator({ seed: [webDemo()] });
    const proxy: FaultServer = await startFaultServer();
    cleanups.push(() => proxy.close(), () => emu.close());
    proxy.route('DELETE', triggerPath(WEB_DEMO, T_DEPLOY), json(500, { error: 'database is locked' }));
    proxy.fallback(forward(emu.url));
    const r = await runCli(['rotate', 'web', 'deploy-hook', '-q'], emulatorEnv(proxy.url));
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[1]).toBe(`Both triggers work now; remove the old one with 'trigger rm web ${T_DEPLOY.slice(0, 8)}'.`);
    expect(r.stderr).not.toContain(T_DEPLOY.slice(0, 9));
  });
});

describe('trigger rotate <trigger-url>', () => {
  const LEAKED = registerSecret('6e6e6e6e-0000-4000-8000-0000000000a1');
  const revoked = "Revoked the old URL of leaked-hook (6e6e6e6e…): whatever calls it needs the new URL now.\n";

  async function withLeak(): Promise<{ emu: RunningEmulator; seen: string[] }> {
    const emu = await startEmulator({ seed: [webDemo({ uuid: LEAKED, name: 'leaked-hook', operation: 'SCALEUP' })] });
    cleanups.push(() => emu.close());
    const seen: string[] = [];
    emu.server.on('request', (req) => seen.push(`${req.method} ${req.url}`));
    return { emu, seen };
  }
  const leakedHooks = (emu: RunningEmulator) => emu.store.service(WEB_DEMO)!.triggers.filter((t) => t.name === 'leaked-hook');

  it('replaces the trigger its absolute call URL names, and says on stderr that the old URL is revoked (built CLI)', async () => {
    const { emu } = await withLeak();
    const r = await spawnCli(['rotate', `${emu.url}${triggerCallPath(WEB_DEMO, LEAKED)}`, '-q'], emulatorEnv(emu.url));
    const [fresh] = leakedHooks(emu);
    expect(leakedHooks(emu)).toHaveLength(1);
    expect(fresh!.uuid).not.toBe(LEAKED);
    expect(fresh!.operation).toBe('SCALEUP');
    expect(r).toEqual({ code: 0, stdout: `${fresh!.uuid}\n`, stderr: revoked });
  });

  it('takes a path under the REST host, and follows the namespace the path names', async () => {
    const { emu, seen } = await withLeak();
    const path = triggerCallPath(WEB_DEMO, LEAKED, 'acme');
    const r = await runCli(['rotate', path, '--json', 'name,operation'], emulatorEnv(emu.url));
    expect(r).toEqual({ code: 0, stdout: '{\n  "name": "leaked-hook",\n  "operation": "SCALEUP"\n}\n', stderr: revoked });
    expect(leakedHooks(emu).map((t) => t.uuid)).not.toContain(LEAKED);
    expect(seen.length).toBeGreaterThan(0);
    for (const request of seen) expect(request).toMatch(/^(GET|POST|DELETE) \/api\/app\/v1\/acme\/service\//);
  });

  it('a URL on another host, a trigger URL that is not a call URL, or a URL and a trigger: exit 2 before any request, the URL never repeated', async () => {
    const { emu, seen } = await withLeak();
    const env = emulatorEnv(emu.url);
    const elsewhere = `http://127.0.0.1:9${triggerCallPath(WEB_DEMO, LEAKED)}`;
    const notCall = `${emu.url}${triggerPath(WEB_DEMO, LEAKED)}`;
    const results = [
      await spawnCli(['rotate', elsewhere], env),
      await spawnCli(['rotate', notCall], env),
      await spawnCli(['rotate', 'web', `${emu.url}${triggerCallPath(WEB_DEMO, LEAKED)}`], env),
    ];
    expect(results.map((r) => [r.code, r.stdout, r.stderr.split('\n')[0]])).toEqual([
      [2, '', `Error: the trigger URL is on http://127.0.0.1:9, not on the REST host ${emu.url}`],
      [2, '', 'Error: the trigger URL must be a trigger call URL, like https://cloud.docker.com/api/app/v1/service/<uuid>/trigger/<uuid>/call/'],
      [2, '', "Error: give a service and its triggers, or trigger URLs alone: use 'trigger rotate <service> <trigger>' or 'trigger rotate <trigger-url>'"],
    ]);
    expect(results[0]!.stderr.split('\n')[1]).toBe('Give --host http://127.0.0.1:9/ to act on a trigger there.');
    expect(seen).toEqual([]);
    expect(leakedHooks(emu).map((t) => t.uuid)).toEqual([LEAKED]);
  });
});
