// `trigger rotate`: a new trigger with the same name and operation, then the old one removed; the new
// one printed as create prints it, and stderr saying that the old URL is revoked. When the removal
// fails (a loopback server in front of the emulator answers 500 to the DELETE, or drops it), it says
// so, exits 1 or 5, and both triggers exist; the hint to remove the old one names it by its first 8
// characters, never more of its still-live UUID. `trigger rotate <trigger-url>`: the URL a user holds
// when it leaks names the trigger. The built CLI and in-process runs against the emulator.
import { afterEach, describe, expect, it } from 'vitest';
import { closeSync, openSync } from 'node:fs';
import type { SeedService } from '../../src/emulator/store.js';
import { triggerCallPath, triggerPath, triggersPath } from '../../src/api/paths.js';
import { emulatorEnv, runCli, spawnCli, startCli, type Result } from '../helpers/cli.js';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { api, API, MISSING, T_API, T_DEPLOY, T_SCALE, WEB_DEMO, webDemo } from '../helpers/fixture.js';
import { forward, json, startFaultServer, type FaultServer } from '../helpers/fault-server.js';
import { registerSecret } from '../helpers/secrets.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

// --- replacing a trigger: create, then remove ---

// web.demo gets two triggers of one name; api a trigger named as one of web's.
const T_TWIN_A = '9c9c9c9c-0000-4000-8000-00000000000c';
const T_TWIN_B = '9c9c9c9d-0000-4000-8000-00000000000d';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function seed(): SeedService[] {
  return [
    webDemo({ uuid: T_TWIN_A, name: 'twin', operation: 'REDEPLOY' }, { uuid: T_TWIN_B, name: 'twin', operation: 'REDEPLOY' }),
    { ...api(), triggers: [{ uuid: T_API, name: 'deploy-hook', operation: 'REDEPLOY' }] },
  ];
}

async function emulator(): Promise<{ emu: RunningEmulator; seen: { method: string; url: string }[] }> {
  const emu = await startEmulator({ seed: seed() });
  cleanups.push(() => emu.close());
  const seen: { method: string; url: string }[] = [];
  emu.server.on('request', (req) => seen.push({ method: req.method!, url: req.url! }));
  return { emu, seen };
}

/** A loopback server in front of the emulator: forwards everything except what `fail` routes. */
async function proxyFor(emu: RunningEmulator, fail: (p: FaultServer) => void): Promise<FaultServer> {
  const p = await startFaultServer();
  cleanups.push(() => p.close());
  fail(p);
  p.fallback(forward(emu.url));
  return p;
}

const triggersOf = (emu: RunningEmulator, svc = WEB_DEMO): { uuid: string; name: string; operation: string }[] =>
  emu.store.service(svc)!.triggers.map((t) => ({ ...t }));

/** The new trigger: in the store, not the old one, same name and operation. */
function newTrigger(emu: RunningEmulator, old: string, name: string): { uuid: string; name: string; operation: string } {
  const after = triggersOf(emu).filter((t) => t.name === name && t.uuid !== old);
  expect(after).toHaveLength(1);
  return after[0];
}

describe('trigger rotate', () => {
  it('creates a trigger with the same name and operation, removes the old one, prints the new one in full', async () => {
    const { emu, seen } = await emulator();
    const r = await runCli(['rotate', 'web', 'deploy-hook'], emulatorEnv(emu.url));
    expect(r.stderr).toBe(`Revoked the old URL of deploy-hook (${T_DEPLOY.slice(0, 8)}…): whatever calls it needs the new URL now.\n`);
    expect(r.code).toBe(0);
    const fresh = newTrigger(emu, T_DEPLOY, 'deploy-hook');
    expect(fresh.operation).toBe('REDEPLOY');
    expect(triggersOf(emu).map((t) => t.uuid)).not.toContain(T_DEPLOY);
    expect(triggersOf(emu)).toHaveLength(5);
    // Like create: a table with the full UUID and the absolute call URL.
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^UUID\s+NAME\s+OPERATION\s+URL$/);
    expect(lines[1].split(/\s{3,}/)).toEqual([fresh.uuid, 'deploy-hook', 'REDEPLOY', `${emu.url}${triggerCallPath(WEB_DEMO, fresh.uuid)}`]);
    // The new one exists before the old one goes.
    const post = seen.findIndex((q) => q.method === 'POST');
    const del = seen.findIndex((q) => q.method === 'DELETE');
    expect(post).toBeGreaterThanOrEqual(0);
    expect(del).toBeGreaterThan(post);
    expect(seen[del].url).toBe(triggerPath(WEB_DEMO, T_DEPLOY));
    // The other service's trigger of the same name is untouched.
    expect(triggersOf(emu, API)).toEqual([{ uuid: T_API, name: 'deploy-hook', operation: 'REDEPLOY' }]);
  });

  it('--json prints the new trigger object; -q its UUID; SCALEUP stays SCALEUP (built binary for --json)', async () => {
    const { emu } = await emulator();
    const env = emulatorEnv(emu.url);
    const asJson = await spawnCli(['rotate', WEB_DEMO, 'scale-hook', '--json'], env);
    expect(asJson.stderr).toBe(`Revoked the old URL of scale-hook (${T_SCALE.slice(0, 8)}…): whatever calls it needs the new URL now.\n`);
    expect(asJson.code).toBe(0);
    const object = JSON.parse(asJson.stdout) as Record<string, string>;
    const fresh = newTrigger(emu, T_SCALE, 'scale-hook');
    expect(object).toEqual({
      uuid: fresh.uuid,
      name: 'scale-hook',
      operation: 'SCALEUP',
      url: triggerCallPath(WEB_DEMO, fresh.uuid),
      resource_uri: triggerPath(WEB_DEMO, fresh.uuid),
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
    const proxy = await proxyFor(emu, (p) =>
      p.route('DELETE', triggerPath(WEB_DEMO, T_DEPLOY), json(500, { error: 'database is locked' })),
    );
    const r = await runCli(['rotate', 'web', 'deploy-hook'], emulatorEnv(proxy.url));
    expect(r.code).toBe(1);
    const fresh = newTrigger(emu, T_DEPLOY, 'deploy-hook');
    // The new trigger was printed, as create prints it.
    expect(r.stdout).toContain(fresh.uuid);
    expect(r.stdout).toContain(`${proxy.url}${triggerCallPath(WEB_DEMO, fresh.uuid)}`);
    const first = r.stderr.split('\n')[0];
    expect(first).toMatch(
      new RegExp(
        `^Error: created the new trigger .* but could not remove the old one ${T_DEPLOY.slice(0, 8)}…: database is locked \\(HTTP 500 from DELETE `,
      ),
    );
    expect(r.stderr).toMatch(/Both triggers work now/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(triggersOf(emu).map((t) => t.uuid)).toEqual(expect.arrayContaining([T_DEPLOY, fresh.uuid]));
    expect(triggersOf(emu)).toHaveLength(6);
    // A 500 on DELETE is not retried: one DELETE, answered by the proxy.
    expect(proxy.requests.filter((q) => q.method === 'DELETE')).toHaveLength(1);
  });

  it('when the removal fails by a dropped connection it exits 5 with both triggers there', async () => {
    const { emu } = await emulator();
    const proxy = await proxyFor(emu, (p) =>
      p.route('DELETE', triggerPath(WEB_DEMO, T_DEPLOY), (_req, res) => {
        res.socket!.destroy();
      }),
    );
    const r = await runCli(['rotate', 'web', 'deploy-hook', '-q'], emulatorEnv(proxy.url));
    expect([1, 5]).toContain(r.code);
    const fresh = newTrigger(emu, T_DEPLOY, 'deploy-hook');
    expect(r.stdout).toBe(`${fresh.uuid}\n`);
    expect(r.stderr).toMatch(new RegExp(`^Error: created the new trigger .* but could not remove the old one ${T_DEPLOY.slice(0, 8)}`));
    expect(triggersOf(emu).map((t) => t.uuid)).toContain(T_DEPLOY);
  });

  it('when the create fails, the old trigger is left alone and nothing is removed', async () => {
    const { emu } = await emulator();
    const proxy = await proxyFor(emu, (p) => p.route('POST', triggersPath(WEB_DEMO), json(500, { error: 'no room' })));
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
      const byName = await runCli([command, WEB_DEMO, 'no-such-hook'], env);
      expect({ command, code: byName.code, stderr: byName.stderr.split('\n')[0] }).toEqual({
        command,
        code: 4,
        stderr: `Error: cannot find a trigger with the identifier 'no-such-hook' in service ${WEB_DEMO.slice(0, 8)}`,
      });
      const twin = await runCli([command, WEB_DEMO, 'twin'], env);
      expect({ command, code: twin.code }).toEqual({ command, code: 4 });
      expect(twin.stderr).toMatch(/^Error: more than one trigger matches 'twin'/);
      const noService = await runCli([command, MISSING, 'deploy-hook'], env);
      expect({ command, code: noService.code }).toEqual({ command, code: 4 });
      expect(noService.stderr).toMatch(new RegExp(`^Error: cannot find a service with the identifier '${MISSING}'`));
    }
    expect(seen.filter((q) => q.method !== 'GET')).toEqual([]);
  });
});

describe('trigger rotate, the old trigger left in place', () => {
  it('the hint to remove it shows 8 characters of its UUID', async () => {
    const emu: RunningEmulator = await startEmulator({ seed: [webDemo()] });
    const proxy: FaultServer = await startFaultServer();
    cleanups.push(
      () => proxy.close(),
      () => emu.close(),
    );
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
  const revoked = 'Revoked the old URL of leaked-hook (6e6e6e6e…): whatever calls it needs the new URL now.\n';

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
    expect(fresh.uuid).not.toBe(LEAKED);
    expect(fresh.operation).toBe('SCALEUP');
    expect(r).toEqual({ code: 0, stdout: `${fresh.uuid}\n`, stderr: revoked });
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
      [
        2,
        '',
        'Error: the trigger URL must be a trigger call URL, like https://cloud.docker.com/api/app/v1/service/<uuid>/trigger/<uuid>/call/',
      ],
      [
        2,
        '',
        "Error: give a service and its triggers, or trigger URLs alone: use 'trigger rotate <service> <trigger>' or 'trigger rotate <trigger-url>'",
      ],
    ]);
    expect(results[0].stderr.split('\n')[1]).toBe('Give --host http://127.0.0.1:9/ to act on a trigger there.');
    expect(seen).toEqual([]);
    expect(leakedHooks(emu).map((t) => t.uuid)).toEqual([LEAKED]);
  });
});

describe('trigger rotate, its output lost', () => {
  /** Runs the built CLI with stdout on a full device. */
  async function onFullDevice(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
    const fd = openSync('/dev/full', 'w');
    try {
      const { code, stdout, stderr } = await startCli(args, env, { stdio: ['ignore', fd, 'pipe'] }).done;
      return { code, stdout, stderr };
    } finally {
      closeSync(fd);
    }
  }

  it('leaves the old trigger in place when the new one cannot be printed, and says so: exit 1 (built CLI)', async () => {
    const emu: RunningEmulator = await startEmulator({ seed: [webDemo()] });
    cleanups.push(() => emu.close());
    const deployHooks = (): string[] =>
      emu.store
        .service(WEB_DEMO)!
        .triggers.filter((t) => t.name === 'deploy-hook')
        .map((t) => t.uuid);
    const lost = 'Error: created the new trigger, but cannot write the output: no space left on the device\n';
    const kept = `The old trigger ${T_DEPLOY.slice(0, 8)}… was left in place and still works;`;

    const byName = await onFullDevice(['rotate', 'web', 'deploy-hook', '-q'], emulatorEnv(emu.url));
    expect(byName).toEqual({ code: 1, stdout: '', stderr: `${lost}${kept} 'trigger list web' shows both.\n` });
    expect(deployHooks()).toHaveLength(2);
    expect(deployHooks()).toContain(T_DEPLOY);

    const byUrl = await onFullDevice(['rotate', `${emu.url}${triggerCallPath(WEB_DEMO, T_DEPLOY)}`, '--json'], emulatorEnv(emu.url));
    expect(byUrl).toEqual({ code: 1, stdout: '', stderr: `${lost}${kept} 'trigger list ${WEB_DEMO}' shows both.\n` });
    expect(deployHooks()).toHaveLength(3);
    expect(deployHooks()).toContain(T_DEPLOY);
  });
});
