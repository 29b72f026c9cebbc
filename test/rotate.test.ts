// `trigger rotate <service> <trigger>`: a new trigger with the same name and operation, then the old
// one removed; printed like create. When the removal fails (a loopback proxy in front of the emulator
// answers 500 to the DELETE), it says so, exits 1, and both triggers exist. Real HTTP on loopback.
import { afterEach, describe, expect, it } from 'vitest';
import type { SeedService } from '../src/emulator/store.js';
import { emulatorEnv, runCli, spawnCli, type Result } from './helpers/cli.js';
import { startEmulator, type RunningEmulator } from './helpers/emulator.js';
import { forward, json, startFaultServer, type FaultServer } from './helpers/fault-server.js';

const WEB = '3c3c3c3c-0000-4000-8000-000000000001';
const OTHER = '3d3d3d3d-0000-4000-8000-000000000002';
const T_DEPLOY = '9a9a9a9a-0000-4000-8000-00000000000a';
const T_SCALE = '9b9b9b9b-0000-4000-8000-00000000000b';
const T_TWIN_A = '9c9c9c9c-0000-4000-8000-00000000000c';
const T_TWIN_B = '9c9c9c9d-0000-4000-8000-00000000000d';
const T_OTHER = '9e9e9e9e-0000-4000-8000-00000000000e';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const callPath = (svc: string, trig: string): string => `/api/app/v1/service/${svc}/trigger/${trig}/call/`;

function seed(): SeedService[] {
  return [
    {
      uuid: WEB,
      name: 'web',
      stack: 'demo',
      triggers: [
        { uuid: T_DEPLOY, name: 'deploy-hook', operation: 'REDEPLOY' },
        { uuid: T_SCALE, name: 'scale-hook', operation: 'SCALEUP' },
        { uuid: T_TWIN_A, name: 'twin', operation: 'REDEPLOY' },
        { uuid: T_TWIN_B, name: 'twin', operation: 'REDEPLOY' },
      ],
    },
    { uuid: OTHER, name: 'other', stack: null, triggers: [{ uuid: T_OTHER, name: 'deploy-hook', operation: 'REDEPLOY' }] },
  ];
}

const emulators: RunningEmulator[] = [];
const proxies: FaultServer[] = [];
afterEach(async () => {
  await Promise.all([...proxies.splice(0).map((p) => p.close()), ...emulators.splice(0).map((e) => e.close())]);
});

async function emulator(): Promise<{ emu: RunningEmulator; seen: { method: string; url: string }[] }> {
  const emu = await startEmulator({ seed: seed() });
  emulators.push(emu);
  const seen: { method: string; url: string }[] = [];
  emu.server.on('request', (req) => seen.push({ method: req.method!, url: req.url! }));
  return { emu, seen };
}

/** A proxy-like loopback server in front of the emulator: forwards everything except what `fail` routes. */
async function proxyFor(emu: RunningEmulator, fail: (p: FaultServer) => void): Promise<FaultServer> {
  const p = await startFaultServer();
  proxies.push(p);
  fail(p);
  p.fallback(forward(emu.url));
  return p;
}

const triggersOf = (emu: RunningEmulator, svc = WEB): { uuid: string; name: string; operation: string }[] =>
  emu.store.service(svc)!.triggers.map((t) => ({ ...t }));

/** The new trigger: in the store, not the old one, same name and operation. */
function newTrigger(emu: RunningEmulator, old: string, name: string): { uuid: string; name: string; operation: string } {
  const after = triggersOf(emu).filter((t) => t.name === name && t.uuid !== old);
  expect(after).toHaveLength(1);
  return after[0]!;
}

describe('trigger rotate', () => {
  it('creates a trigger with the same name and operation, removes the old one, prints the new one in full', async () => {
    const { emu, seen } = await emulator();
    const r = await runCli(['rotate', 'web', 'deploy-hook'], emulatorEnv(emu.url));
    expect(r.stderr).toBe('Revoked the old URL of deploy-hook (9a9a9a9a…): whatever calls it needs the new URL now.\n');
    expect(r.code).toBe(0);
    const fresh = newTrigger(emu, T_DEPLOY, 'deploy-hook');
    expect(fresh.operation).toBe('REDEPLOY');
    expect(triggersOf(emu).map((t) => t.uuid)).not.toContain(T_DEPLOY);
    expect(triggersOf(emu)).toHaveLength(4);
    // Like create: a table with the full UUID and the absolute call URL.
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^UUID\s+NAME\s+OPERATION\s+URL$/);
    expect(lines[1]!.split(/\s{3,}/)).toEqual([fresh.uuid, 'deploy-hook', 'REDEPLOY', `${emu.url}${callPath(WEB, fresh.uuid)}`]);
    // The new one exists before the old one goes.
    const post = seen.findIndex((q) => q.method === 'POST');
    const del = seen.findIndex((q) => q.method === 'DELETE');
    expect(post).toBeGreaterThanOrEqual(0);
    expect(del).toBeGreaterThan(post);
    expect(seen[del]!.url).toBe(`/api/app/v1/service/${WEB}/trigger/${T_DEPLOY}/`);
    // The other service's trigger of the same name is untouched.
    expect(triggersOf(emu, OTHER)).toEqual([{ uuid: T_OTHER, name: 'deploy-hook', operation: 'REDEPLOY' }]);
  });

  it('--json prints the new trigger object; -q its UUID; SCALEUP stays SCALEUP (built binary for --json)', async () => {
    const { emu } = await emulator();
    const env = emulatorEnv(emu.url);
    const asJson = await spawnCli(['rotate', WEB, 'scale-hook', '--json'], env);
    expect(asJson.stderr).toBe('Revoked the old URL of scale-hook (9b9b9b9b…): whatever calls it needs the new URL now.\n');
    expect(asJson.code).toBe(0);
    const object = JSON.parse(asJson.stdout) as Record<string, string>;
    const fresh = newTrigger(emu, T_SCALE, 'scale-hook');
    expect(object).toEqual({
      uuid: fresh.uuid,
      name: 'scale-hook',
      operation: 'SCALEUP',
      url: callPath(WEB, fresh.uuid),
      resource_uri: `/api/app/v1/service/${WEB}/trigger/${fresh.uuid}/`,
    });
    expect(fresh.operation).toBe('SCALEUP');

    const quiet = await runCli(['rotate', 'web.demo', fresh.uuid.slice(0, 8), '-q'], env);
    expect(quiet.stderr).toBe(`Revoked the old URL of scale-hook (${fresh.uuid.slice(0, 8)}…): whatever calls it needs the new URL now.\n`);
    expect(quiet.code).toBe(0);
    const third = newTrigger(emu, fresh.uuid, 'scale-hook');
    expect(quiet.stdout).toBe(`${third.uuid}\n`);
    expect(third.uuid).toMatch(UUID);
    expect(triggersOf(emu).map((t) => t.uuid)).not.toContain(fresh.uuid);
    expect(triggersOf(emu).map((t) => t.uuid)).not.toContain(T_SCALE);
  });

  it('--format prints the new trigger through the template', async () => {
    const { emu } = await emulator();
    const r = await runCli(['rotate', 'web', 'deploy-hook', '--format', '{{.name}} {{.uuid}}'], emulatorEnv(emu.url));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`deploy-hook ${newTrigger(emu, T_DEPLOY, 'deploy-hook').uuid}\n`);
  });

  it('when the removal fails (500 on the DELETE) it says so on stderr, exits 1, and both triggers exist', async () => {
    const { emu } = await emulator();
    const proxy = await proxyFor(emu, (p) => p.route('DELETE', `/api/app/v1/service/${WEB}/trigger/${T_DEPLOY}/`, json(500, { error: 'database is locked' })));
    const r = await runCli(['rotate', 'web', 'deploy-hook'], emulatorEnv(proxy.url));
    expect(r.code).toBe(1);
    const fresh = newTrigger(emu, T_DEPLOY, 'deploy-hook');
    // The new trigger was printed, as create prints it.
    expect(r.stdout).toContain(fresh.uuid);
    expect(r.stdout).toContain(`${proxy.url}${callPath(WEB, fresh.uuid)}`);
    const first = r.stderr.split('\n')[0]!;
    expect(first).toMatch(/^Error: created the new trigger .* but could not remove the old one 9a9a9a9a…: database is locked \(HTTP 500 from DELETE /);
    expect(r.stderr).toMatch(/Both triggers work now/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(triggersOf(emu).map((t) => t.uuid)).toEqual(expect.arrayContaining([T_DEPLOY, fresh.uuid]));
    expect(triggersOf(emu)).toHaveLength(5);
    // A 500 on DELETE is not retried: one DELETE, answered by the proxy.
    expect(proxy.requests.filter((q) => q.method === 'DELETE')).toHaveLength(1);
  });

  it('when the removal fails by a dropped connection it exits 5 with both triggers there', async () => {
    const { emu } = await emulator();
    const proxy = await proxyFor(emu, (p) =>
      p.route('DELETE', `/api/app/v1/service/${WEB}/trigger/${T_DEPLOY}/`, (_req, res) => {
        res.socket!.destroy();
      }),
    );
    const r = await runCli(['rotate', 'web', 'deploy-hook', '-q'], emulatorEnv(proxy.url));
    expect([1, 5]).toContain(r.code);
    const fresh = newTrigger(emu, T_DEPLOY, 'deploy-hook');
    expect(r.stdout).toBe(`${fresh.uuid}\n`);
    expect(r.stderr).toMatch(/^Error: created the new trigger .* but could not remove the old one 9a9a9a9a/);
    expect(triggersOf(emu).map((t) => t.uuid)).toContain(T_DEPLOY);
  });

  it('when the create fails, the old trigger is left alone and nothing is removed', async () => {
    const { emu } = await emulator();
    const proxy = await proxyFor(emu, (p) => p.route('POST', `/api/app/v1/service/${WEB}/trigger/`, json(500, { error: 'no room' })));
    const before = triggersOf(emu);
    const r = await runCli(['rotate', 'web', 'deploy-hook'], emulatorEnv(proxy.url));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toMatch(/^Error: no room \(HTTP 500 from POST /);
    expect(triggersOf(emu)).toEqual(before);
    expect(proxy.requests.filter((q) => q.method === 'DELETE')).toHaveLength(0);
  });

  it('an unknown or ambiguous trigger changes nothing (exit 4)', async () => {
    const { emu, seen } = await emulator();
    const before = triggersOf(emu);
    const env = emulatorEnv(emu.url);
    const missing = await runCli(['rotate', 'web', 'no-such-hook'], env);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/^Error: cannot find a trigger with the identifier 'no-such-hook' in service web/);
    const twin: Result = await runCli(['rotate', 'web', 'twin'], env);
    expect(twin.code).toBe(4);
    expect(twin.stderr).toMatch(/^Error: more than one trigger matches 'twin'/);
    const noService = await runCli(['rotate', 'nope', 'deploy-hook'], env);
    expect(noService.code).toBe(4);
    expect(triggersOf(emu)).toEqual(before);
    expect(seen.filter((q) => q.method !== 'GET')).toEqual([]);
  });

  it('with the service given by UUID, a missing trigger is named as the trigger, not as the service (rotate and call)', async () => {
    const { emu, seen } = await emulator();
    const env = emulatorEnv(emu.url);
    for (const command of ['rotate', 'call']) {
      const byName = await runCli([command, WEB, 'no-such-hook'], env);
      expect({ command, code: byName.code, stderr: byName.stderr.split('\n')[0] }).toEqual({
        command,
        code: 4,
        stderr: `Error: cannot find a trigger with the identifier 'no-such-hook' in service ${WEB.slice(0, 8)}`,
      });
      const twin = await runCli([command, WEB, 'twin'], env);
      expect({ command, code: twin.code }).toEqual({ command, code: 4 });
      expect(twin.stderr).toMatch(/^Error: more than one trigger matches 'twin'/);
      const noService = await runCli([command, OTHER.replace('3d', '3f'), 'deploy-hook'], env);
      expect({ command, code: noService.code }).toEqual({ command, code: 4 });
      expect(noService.stderr).toMatch(/^Error: cannot find a service with the identifier '3f3d3d3d-/);
    }
    expect(seen.filter((q) => q.method !== 'GET')).toEqual([]);
  });
});
