// `trigger rm` (alias remove): the triggers named, by service and identifier or by their call URLs, are
// removed and their UUIDs printed in argument order; those that fail are reported, the others still
// removed. Many at once go at most 8 at a time. Behind a loopback gate that holds each DELETE until the
// test lets it through: removed UUIDs are printed as soon as they and those before them are done, and
// SIGINT or SIGTERM stops further removals, lets those under way finish, prints every one that was
// removed, says how many were left untouched and exits 130 or 143. The built CLI and in-process runs
// against the emulator.
import { afterEach, describe, expect, it } from 'vitest';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isUuid, triggerCallPath } from '../../src/api/paths.js';
import { emulatorEnv, runCli, spawnCli, startCli, type RunningCli } from '../helpers/cli.js';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { expectErrorLine } from '../helpers/expect.js';
import { forward, startFaultServer, type FaultServer } from '../helpers/fault-server.js';
import { api, API, manyHooks, numbered, standardSeed, T_API, T_DEPLOY, T_OLD, T_SCALE, WEB_DEMO } from '../helpers/fixture.js';
import { instrument } from '../helpers/instrumented.js';

const SVC = WEB_DEMO;
const COUNT = 20;
const UUIDS = Array.from({ length: COUNT }, (_, i) => numbered(i));
const NOTICE = /^Interrupted: no further trigger is removed/m;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function emulator(opts: Parameters<typeof startEmulator>[0]): Promise<{ emu: RunningEmulator; seen: string[] }> {
  const emu = await startEmulator(opts);
  cleanups.push(() => emu.close());
  const seen: string[] = [];
  emu.server.on('request', (req) => seen.push(`${req.method} ${req.url}`));
  return { emu, seen };
}

const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');

describe('trigger rm <service> <trigger>...', () => {
  it('removes the good identifiers, reports the bad one on stderr, exits 1 (built CLI)', async () => {
    const { emu } = await emulator({ seed: standardSeed() });
    const r = await spawnCli(['rm', 'web.demo', 'deploy-hook', 'nosuch', 'd2d2'], emulatorEnv(emu.url));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`${T_DEPLOY}\n${T_SCALE}\n`);
    expectErrorLine(r, "'nosuch'");
    expect(emu.store.service(WEB_DEMO)!.triggers.map((t) => t.uuid)).toEqual([T_OLD]);
  });

  it('removes by full UUID with --json (service by prefix) (built CLI)', async () => {
    const { emu } = await emulator({ seed: standardSeed() });
    const r = await spawnCli(['rm', 'a1b2c3', T_OLD, '--json'], emulatorEnv(emu.url));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([T_OLD]);
    expect(emu.store.service(WEB_DEMO)!.triggers.map((t) => t.uuid)).toEqual([T_DEPLOY, T_SCALE]);
  });

  it('an ambiguous trigger prefix lists both candidates, exit 4, nothing removed', async () => {
    const { emu } = await emulator({ seed: standardSeed() });
    const r = await runCli(['rm', 'web.demo', 'd'], emulatorEnv(emu.url));
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expectErrorLine(r, "'d'");
    expect(r.stderr).toBe(
      `Error: more than one trigger matches 'd' in service web.demo; use its UUID prefix:\n  ${T_DEPLOY.slice(0, 8)}  deploy-hook\n  ${T_SCALE.slice(0, 8)}  scale-hook\n`,
    );
    expect(emu.store.service(WEB_DEMO)!.triggers).toHaveLength(3);
  });

  it('rm where every identifier fails exits 4 and reports each one', async () => {
    const { emu } = await emulator({ seed: standardSeed() });
    const r = await runCli(['rm', 'web.demo', 'nope-1', 'nope-2'], emulatorEnv(emu.url));
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('Error: '));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain("'nope-1'");
    expect(errors[1]).toContain("'nope-2'");
    expect(emu.store.service(WEB_DEMO)!.triggers).toHaveLength(3);
  });

  it('rm of a trigger in an unknown service exits 4', async () => {
    const { emu } = await emulator({ seed: standardSeed() });
    const r = await runCli(['rm', 'nosuch', 'deploy-hook'], emulatorEnv(emu.url));
    expect(r.code).toBe(4);
    expectErrorLine(r, "'nosuch'");
  });
});

describe('rm of many triggers', () => {
  const TOTAL = 210;
  const LIMIT = 8;
  /** The triggers numbered by `order`, every third by full UUID, by UUID prefix, by name. */
  const identifiers = (order: number[]): string[] => order.map((i) => [numbered(i), numbered(i).slice(0, 8), `hook-${i}`][i % 3]);
  /** n of the TOTAL triggers, neither in server order nor in its reverse. */
  const scrambled = (n: number): number[] => Array.from({ length: n }, (_, k) => (k * 83 + 17) % TOTAL);
  const kept = (order: number[]): string[] =>
    Array.from({ length: TOTAL }, (_, i) => i)
      .filter((i) => !order.includes(i))
      .map(numbered);

  async function instrumented(args: string[]) {
    const { emu } = await emulator({ seed: manyHooks(TOTAL), pageSize: 25 });
    const probe = instrument(emu.server);
    const r = await runCli(args, emulatorEnv(emu.url));
    return { emu, probe, r, remaining: () => emu.store.service(SVC)!.triggers.map((t) => t.uuid) };
  }

  it('removes 200 triggers named at once (UUIDs, prefixes, names) and prints their UUIDs in argument order', async () => {
    const order = scrambled(200);

    const { emu, probe, r, remaining } = await instrumented(['rm', 'web', ...identifiers(order)]);

    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual(order.map(numbered));
    expect(remaining()).toEqual(kept(order));
    // the other service's triggers of the same names are untouched
    expect(emu.store.service(API)!.triggers.length).toBe(2);
    expect(probe.requests.filter((q) => q.method === 'DELETE').length).toBe(200);
    expect(probe.maxInFlight()).toBeGreaterThan(1);
    expect(probe.maxInFlight()).toBeLessThanOrEqual(LIMIT);
    // keep-alive: a few connections, reused, not one per trigger
    expect(probe.connections()).toBeGreaterThanOrEqual(1);
    expect(probe.connections()).toBeLessThanOrEqual(3 * LIMIT);
  });

  it('with bad identifiers mixed in: the good ones are removed, errors come in argument order, exit 1', async () => {
    const order = scrambled(200);
    const ids = identifiers(order);
    const bad = ['no-such-hook', 'ffffffff', 'eeeeeeee-0000-4000-8000-000000000000', 'hook-9999'];
    // spread through the arguments, in this order
    ids.splice(190, 0, bad[3]);
    ids.splice(120, 0, bad[2]);
    ids.splice(60, 0, bad[1]);
    ids.splice(5, 0, bad[0]);

    const { probe, r, remaining } = await instrumented(['rm', 'web', ...ids]);

    expect(r.code).toBe(1);
    expect(lines(r.stdout)).toEqual(order.map(numbered));
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('Error:'));
    expect(errors.length).toBe(4);
    // Full trigger UUIDs are named by their first 8 characters only.
    bad.forEach((id, k) => expect(errors[k]).toContain(isUuid(id) ? `'${id.slice(0, 8)}…'` : `'${id}'`));
    expect(remaining()).toEqual(kept(order));
    expect(probe.maxInFlight()).toBeLessThanOrEqual(LIMIT);
    expect(probe.connections()).toBeLessThanOrEqual(3 * LIMIT);
  });

  it('--json prints the removed UUIDs as a JSON array in argument order', async () => {
    const order = scrambled(40);

    const { r } = await instrumented(['rm', SVC, ...identifiers(order), '--json']);

    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(order.map(numbered));
  });
});

// --- behind a gate that holds requests until the test lets them through ---

interface Held {
  path: string;
  release(): void;
}

interface Gate {
  emu: RunningEmulator;
  proxy: FaultServer;
  /** Requests held so far, in order of arrival. */
  held: Held[];
  /** Resolves once `n` requests have been held. */
  heldCount(n: number): Promise<void>;
}

/** The emulator with COUNT triggers of web, behind a proxy that holds the requests `hold` picks. */
async function gate(hold: (req: IncomingMessage) => boolean): Promise<Gate> {
  const emu = await startEmulator({ seed: manyHooks(COUNT) });
  const proxy = await startFaultServer();
  cleanups.push(
    () => proxy.close(),
    () => emu.close(),
  );
  const held: Held[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const pass = forward(emu.url);
  proxy.fallback((req: IncomingMessage, res: ServerResponse, seen) => {
    if (!hold(req)) return pass(req, res, seen);
    held.push({ path: seen.path, release: () => void pass(req, res, seen) });
    for (const w of waiters.filter((w) => held.length >= w.n)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  const heldCount = (n: number): Promise<void> =>
    held.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }));
  return { emu, proxy, held, heldCount };
}

const isDelete = (req: IncomingMessage): boolean => req.method === 'DELETE';
const remaining = (emu: RunningEmulator): string[] => emu.store.service(SVC)!.triggers.map((t) => t.uuid);
const deleted = (g: Gate): string[] => g.held.map((h) => h.path.split('/trigger/')[1].replace('/', ''));

function rm(g: Gate, args: string[]): RunningCli {
  const run = startCli(['rm', 'web', ...args], emulatorEnv(g.proxy.url));
  cleanups.push(() => run.child.kill('SIGKILL'));
  return run;
}

describe('trigger rm prints as it goes', () => {
  it('prints each removed UUID once it and every one before it are done, in argument order', async () => {
    const g = await gate(isDelete);
    const run = rm(g, UUIDS.slice(0, 10));
    await g.heldCount(8);
    // The second and third finish first: they wait for the first, then all three are printed.
    const byUuid = (u: string): Held => g.held.find((h) => h.path.includes(u))!;
    byUuid(UUIDS[2]).release();
    byUuid(UUIDS[1]).release();
    byUuid(UUIDS[0]).release();
    await run.waitForOutput(({ stdout }) => lines(stdout).length === 3);
    expect(lines(run.output().stdout)).toEqual(UUIDS.slice(0, 3));
    // The rest, last first.
    await g.heldCount(10);
    for (const h of [...g.held].reverse()) if (!UUIDS.slice(0, 3).some((u) => h.path.includes(u))) h.release();
    const r = await run.done;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual(UUIDS.slice(0, 10));
    expect(remaining(g.emu)).toEqual(UUIDS.slice(10));
  });
});

describe('trigger rm interrupted', () => {
  it('SIGINT: starts no further removal, lets those under way finish, prints every removed one, exits 130', async () => {
    const g = await gate(isDelete);
    const run = rm(g, UUIDS);
    await g.heldCount(8);
    for (const h of g.held.slice(0, 3)) h.release();
    // Three done, three more started in their place: 11 sent, 8 of them under way.
    await g.heldCount(11);
    run.child.kill('SIGINT');
    await run.waitForOutput(({ stderr }) => NOTICE.test(stderr));
    for (const h of g.held.slice(3).reverse()) h.release();
    const r = await run.done;
    expect(r.code).toBe(130);
    const sent = deleted(g);
    expect(sent).toHaveLength(11);
    // Every removal that was sent was printed, in argument order, and nothing else was removed.
    expect(lines(r.stdout)).toEqual(UUIDS.filter((u) => sent.includes(u)));
    expect(remaining(g.emu)).toEqual(UUIDS.filter((u) => !sent.includes(u)));
    expect(lines(r.stderr)).toEqual([
      'Interrupted: no further trigger is removed; those under way finish first (interrupt again to stop at once)',
      'Error: interrupted by SIGINT: 9 of 20 triggers left untouched',
    ]);
  });

  it('SIGTERM with --json: the array of those removed is closed, exit 143', async () => {
    const g = await gate(isDelete);
    const run = rm(g, [...UUIDS, '--json']);
    await g.heldCount(8);
    run.child.kill('SIGTERM');
    await run.waitForOutput(({ stderr }) => NOTICE.test(stderr));
    for (const h of [...g.held].reverse()) h.release();
    const r = await run.done;
    expect(r.code).toBe(143);
    expect(JSON.parse(r.stdout)).toEqual(UUIDS.filter((u) => deleted(g).includes(u)));
    expect(deleted(g)).toHaveLength(8);
    expect(r.stderr).toContain('Error: interrupted by SIGTERM: 12 of 20 triggers left untouched\n');
    expect(remaining(g.emu)).toHaveLength(12);
  });

  it('a trigger looked up by name when the signal came is not removed', async () => {
    // The lookups of the names are held instead: when they are answered, the run is interrupted.
    const g = await gate((req) => req.method === 'GET' && req.url!.includes('/trigger/?'));
    const run = rm(g, ['hook-0', 'hook-1', 'hook-2']);
    await g.heldCount(3);
    run.child.kill('SIGINT');
    await run.waitForOutput(({ stderr }) => NOTICE.test(stderr));
    for (const h of g.held) h.release();
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Error: interrupted by SIGINT: 3 of 3 triggers left untouched\n');
    expect(g.proxy.requests.filter((q) => q.method === 'DELETE')).toEqual([]);
    expect(remaining(g.emu)).toEqual(UUIDS);
  });

  it('a second signal stops at once', async () => {
    const g = await gate(isDelete);
    const run = rm(g, UUIDS);
    await g.heldCount(8);
    run.child.kill('SIGINT');
    await run.waitForOutput(({ stderr }) => NOTICE.test(stderr));
    run.child.kill('SIGINT');
    // The held removals are never answered: only the second signal can end the run.
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(r.stdout).toBe('');
  });
});

describe('trigger rm <trigger-url>...', () => {
  const twoServices = (): ReturnType<typeof emulator> => emulator({ seed: [manyHooks(3)[0], api()] });

  it('removes the triggers the URLs name, of any service, absolute or under the REST host, and prints their UUIDs (built CLI)', async () => {
    const { emu } = await twoServices();
    const r = await spawnCli(
      ['rm', `${emu.url}${triggerCallPath(SVC, UUIDS[1])}`, triggerCallPath(API, T_API), '--json'],
      emulatorEnv(emu.url),
    );
    expect(r).toEqual({ code: 0, stdout: `[\n  "${UUIDS[1]}",\n  "${T_API}"\n]\n`, stderr: '' });
    expect(remaining(emu)).toEqual([UUIDS[0], UUIDS[2]]);
    expect(emu.store.service(API)!.triggers).toEqual([]);
  });

  it('a URL whose trigger is gone is reported at its place, by 8 characters of its UUID; the others are removed (exit 4 when all fail alike)', async () => {
    const { emu } = await twoServices();
    const gone = triggerCallPath(SVC, UUIDS[5]);
    const r = await spawnCli(['rm', gone, triggerCallPath(SVC, UUIDS[0])], emulatorEnv(emu.url));
    expect(r).toEqual({
      code: 1,
      stdout: `${UUIDS[0]}\n`,
      stderr: `Error: cannot find a trigger with the identifier '${UUIDS[5].slice(0, 8)}…' in service ${SVC.slice(0, 8)}\n`,
    });
    expect((await spawnCli(['rm', gone], emulatorEnv(emu.url))).code).toBe(4);
  });

  it('a service with a URL among its triggers, or a URL on another host: exit 2 before any request', async () => {
    const { emu, seen } = await twoServices();
    const env = emulatorEnv(emu.url);
    const mixed = await spawnCli(['rm', 'web', 'hook-0', `${emu.url}${triggerCallPath(SVC, UUIDS[1])}`], env);
    expect([mixed.code, mixed.stderr.split('\n')[0]]).toEqual([
      2,
      "Error: give a service and its triggers, or trigger URLs alone: use 'trigger rm <service> <trigger>...' or 'trigger rm <trigger-url>...'",
    ]);
    const elsewhere = await spawnCli(['rm', triggerCallPath(SVC, UUIDS[0]), `http://localhost:9${triggerCallPath(SVC, UUIDS[1])}`], env);
    expect([elsewhere.code, elsewhere.stderr.split('\n')[0]]).toEqual([
      2,
      `Error: the trigger URL is on http://localhost:9, not on the REST host ${emu.url}`,
    ]);
    expect(seen).toEqual([]);
    expect(remaining(emu)).toEqual(UUIDS.slice(0, 3));
  });
});

describe('trigger rm stopped at once', () => {
  it('a second signal says how many removals were under way, their outcome unknown, and how many triggers were left untouched', async () => {
    const g = await gate(isDelete);
    const run = rm(g, UUIDS);
    await g.heldCount(8);
    for (const u of UUIDS.slice(0, 3)) g.held.find((h) => h.path.includes(u))!.release();
    // Three removed and printed, three more started in their place: 8 under way, 9 never sent.
    await g.heldCount(11);
    await run.waitForOutput(({ stdout }) => lines(stdout).length === 3);
    run.child.kill('SIGTERM');
    await run.waitForOutput(({ stderr }) => NOTICE.test(stderr));
    run.child.kill('SIGINT');
    // The held removals are never answered: only the second signal can end the run.
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(lines(r.stdout)).toEqual(UUIDS.slice(0, 3));
    expect(lines(r.stderr)).toEqual([
      'Interrupted: no further trigger is removed; those under way finish first (interrupt again to stop at once)',
      'Error: stopped at once by SIGINT: 8 removals were under way, their outcome unknown; 9 of 20 triggers left untouched',
    ]);
  });
});
