// Scripting features through the built CLI (bin/trigger.cjs), spawned: `list` of every service,
// `call --wait` (success, failure, wait timeout).
import { afterEach, describe, expect, it } from 'vitest';
import { actionPath } from '../src/api/paths.js';
import type { SeedService } from '../src/emulator/store.js';
import { emulatorEnv, spawnCli, startCli, type Result } from './helpers/cli.js';
import { startEmulator, type RunningEmulator } from './helpers/emulator.js';

const WEB = 'a1b2c3d4-0000-4000-8000-000000000001';
const API = 'c0ffee01-0000-4000-8000-000000000003';
const EMPTY = 'e0e0e0e0-0000-4000-8000-000000000005';
const BROKEN = 'b0b0b0b0-0000-4000-8000-000000000006';
const SLOW = '5105105a-0000-4000-8000-000000000007';
const T_WEB = ['d1d1d1d1-0000-4000-8000-00000000000a', 'd2d2d2d2-0000-4000-8000-00000000000b', 'd3d3d3d3-0000-4000-8000-00000000000c'];
const T_API = '3a3a3a3a-0000-4000-8000-00000000000d';
const T_BROKEN = '4b4b4b4b-0000-4000-8000-00000000000e';
const T_SLOW = '5c5c5c5c-0000-4000-8000-00000000000f';

function seed(): SeedService[] {
  return [
    {
      uuid: WEB,
      name: 'web',
      stack: 'demo',
      // Its actions last until a test ends them.
      action_duration_ms: 3_600_000,
      triggers: [
        { uuid: T_WEB[0], name: 'deploy-hook', operation: 'REDEPLOY' },
        { uuid: T_WEB[1], name: 'scale-hook', operation: 'SCALEUP' },
        { uuid: T_WEB[2], name: 'old', operation: 'REDEPLOY' },
      ],
    },
    { uuid: API, name: 'api', triggers: [{ uuid: T_API, name: 'api-hook' }] },
    { uuid: EMPTY, name: 'empty' },
    { uuid: BROKEN, name: 'broken', action_result: 'Failed', triggers: [{ uuid: T_BROKEN, name: 'fails' }] },
    { uuid: SLOW, name: 'slow', action_duration_ms: 3_600_000, triggers: [{ uuid: T_SLOW, name: 'takes-long' }] },
  ];
}

const running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

/** An emulator with two-object pages, so services and triggers both span several pages. */
async function start(): Promise<{ emu: RunningEmulator; seen: string[] }> {
  const emu = await startEmulator({ seed: seed(), pageSize: 2 });
  running.push(emu);
  const seen: string[] = [];
  emu.server.on('request', (req) => seen.push(`${req.method} ${req.url}`));
  return { emu, seen };
}

function expectOk(r: Result): void {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
}

describe('trigger list of every service (spawned)', () => {
  it('lists the triggers of every service across pages, with a SERVICE column (name.stack); --json adds service, service_uuid and stack', async () => {
    const { emu, seen } = await start();
    const table = await spawnCli(['list', '--no-trunc'], emulatorEnv(emu.url));
    expectOk(table);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^SERVICE\s+UUID\s+NAME\s+OPERATION\s+URL$/);
    const rows = lines.slice(1).map((l) => l.split(/ {3,}/));
    expect(rows.map((r) => [r[0], r[1], r[2], r[3]])).toEqual([
      ['web.demo', T_WEB[0], 'deploy-hook', 'REDEPLOY'],
      ['web.demo', T_WEB[1], 'scale-hook', 'SCALEUP'],
      ['web.demo', T_WEB[2], 'old', 'REDEPLOY'],
      ['api', T_API, 'api-hook', 'REDEPLOY'],
      ['broken', T_BROKEN, 'fails', 'REDEPLOY'],
      ['slow', T_SLOW, 'takes-long', 'REDEPLOY'],
    ]);
    expect(rows[0]![4]).toBe(`${emu.url}/api/app/v1/service/${WEB}/trigger/${T_WEB[0]}/call/`);
    // Five services in pages of two: all three pages were read; web's three triggers took two pages.
    expect(seen.filter((s) => s.startsWith('GET /api/app/v1/service/?') || s === 'GET /api/app/v1/service/').length).toBe(3);
    expect(seen.filter((s) => s.startsWith(`GET /api/app/v1/service/${WEB}/trigger/`)).length).toBe(2);

    const json = await spawnCli(['list', '--json'], emulatorEnv(emu.url));
    expectOk(json);
    const objects = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(objects.map((o) => [o.service, o.service_uuid, o.stack, o.uuid, o.name])).toEqual([
      ['web', WEB, 'demo', T_WEB[0], 'deploy-hook'],
      ['web', WEB, 'demo', T_WEB[1], 'scale-hook'],
      ['web', WEB, 'demo', T_WEB[2], 'old'],
      ['api', API, null, T_API, 'api-hook'],
      ['broken', BROKEN, null, T_BROKEN, 'fails'],
      ['slow', SLOW, null, T_SLOW, 'takes-long'],
    ]);
    expect(objects[3]).toMatchObject({ operation: 'REDEPLOY', url: `/api/app/v1/service/${API}/trigger/${T_API}/call/` });
  });
});

describe('trigger call --wait (spawned)', () => {
  it('polls the action until it ends, with a line on stderr per change of state; Success exits 0', async () => {
    const { emu, seen } = await start();
    const polls = (): number => seen.filter((s) => s.startsWith('GET /api/audit/v1/action/')).length;
    // The action stays in progress until the server has been polled twice, then ends.
    const polledTwice = new Promise<void>((resolve) => emu.server.on('request', () => polls() >= 2 && resolve()));
    const run = startCli(['call', 'web', 'deploy-hook', '--wait'], emulatorEnv(emu.url));
    await polledTwice;
    emu.store.state.actions[0]!.end_ms = 0;
    const r = await run.done;
    expect(r.code).toBe(0);
    const action = emu.store.state.actions[0]!;
    expect(emu.store.state.actions).toHaveLength(1);
    expect(r.stdout).toContain(`Action: ${actionPath(action.uuid)}`);
    expect(r.stdout).toMatch(/State: Success\n$/);
    expect(r.stderr).toBe('Service Redeploy: In progress\nService Redeploy: Success\n');
    // Polled while it ran (the In progress line) and once it had ended: the state was followed, not guessed.
    expect(polls()).toBeGreaterThanOrEqual(2);
  });

  it('an action that ends Failed exits 1; --json carries the final action', async () => {
    const { emu } = await start();
    const r = await spawnCli(['call', 'broken', 'fails', '--wait', '--json'], emulatorEnv(emu.url));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Service Redeploy: Failed\nError: .*Failed/);
    const out = JSON.parse(r.stdout) as { status: number; action_uri: string; action: { state: string } };
    expect(out.status).toBe(202);
    expect(out.action.state).toBe('Failed');
    expect(emu.store.state.actions).toHaveLength(1);
  });

  it('an action still running after --wait-timeout exits 5; the trigger was called once', async () => {
    const { emu } = await start();
    const r = await spawnCli(['call', SLOW, T_SLOW, '--wait', '--wait-timeout', '0.5'], emulatorEnv(emu.url));
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^(Service Redeploy: In progress\n)?Error: gave up waiting for the action after 0.5 s; /);
    expect(r.stdout).toContain('Triggered');
    expect(emu.store.state.actions).toHaveLength(1);
  });
});
