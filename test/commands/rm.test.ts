// `trigger rm`, built CLI against the emulator behind a loopback gate that holds each DELETE until the
// test lets it through: removed UUIDs are printed as soon as they and those before them are done, and
// SIGINT or SIGTERM stops further removals, lets those under way finish, prints every one that was
// removed, says how many were left untouched and exits 130 or 143. Triggers named by their call URLs.
import { afterEach, describe, expect, it } from 'vitest';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { triggerCallPath } from '../../src/api/paths.js';
import { emulatorEnv, spawnCli, startCli, type RunningCli } from '../helpers/cli.js';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { forward, startFaultServer, type FaultServer } from '../helpers/fault-server.js';

const SVC = 'a1b2c3d4-0000-4000-8000-000000000001';
const COUNT = 20;
const uuidOf = (i: number): string => `${(0x70000000 + i * 0x100).toString(16)}-0000-4000-8000-${(i + 1).toString(16).padStart(12, '0')}`;
const UUIDS = Array.from({ length: COUNT }, (_, i) => uuidOf(i));
const NOTICE = /^Interrupted: no further trigger is removed/m;

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

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

/** The emulator with COUNT triggers of web, behind a proxy that holds the requests `hold` picks. */
async function gate(hold: (req: IncomingMessage) => boolean): Promise<Gate> {
  const emu = await startEmulator({
    seed: [{ uuid: SVC, name: 'web', stack: null, triggers: UUIDS.map((uuid, i) => ({ uuid, name: `hook-${i}`, operation: 'REDEPLOY' })) }],
  });
  const proxy = await startFaultServer();
  cleanups.push(() => proxy.close(), () => emu.close());
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
  const heldCount = (n: number): Promise<void> => (held.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve })));
  return { emu, proxy, held, heldCount };
}

const isDelete = (req: IncomingMessage): boolean => req.method === 'DELETE';
const remaining = (emu: RunningEmulator): string[] => emu.store.service(SVC)!.triggers.map((t) => t.uuid);
const deleted = (g: Gate): string[] => g.held.map((h) => h.path.split('/trigger/')[1]!.replace('/', ''));

function rm(g: Gate, args: string[]): RunningCli {
  const run = startCli(['rm', 'web', ...args], emulatorEnv(g.proxy.url));
  cleanups.push(() => run.child.kill('SIGKILL'));
  return run;
}

const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');

describe('trigger rm prints as it goes', () => {
  it('prints each removed UUID once it and every one before it are done, in argument order', async () => {
    const g = await gate(isDelete);
    const run = rm(g, UUIDS.slice(0, 10));
    await g.heldCount(8);
    // The second and third finish first: they wait for the first, then all three are printed.
    const byUuid = (u: string): Held => g.held.find((h) => h.path.includes(u))!;
    byUuid(UUIDS[2]!).release();
    byUuid(UUIDS[1]!).release();
    byUuid(UUIDS[0]!).release();
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
  const OTHER = 'b1b2c3d4-0000-4000-8000-000000000002';
  const T_OTHER = '7e7e7e7e-0000-4000-8000-0000000000b1';

  async function twoServices(): Promise<{ emu: RunningEmulator; seen: string[] }> {
    const emu = await startEmulator({
      seed: [
        { uuid: SVC, name: 'web', stack: null, triggers: UUIDS.slice(0, 3).map((uuid, i) => ({ uuid, name: `hook-${i}` })) },
        { uuid: OTHER, name: 'api', stack: null, triggers: [{ uuid: T_OTHER, name: 'api-hook' }] },
      ],
    });
    cleanups.push(() => emu.close());
    const seen: string[] = [];
    emu.server.on('request', (req) => seen.push(`${req.method} ${req.url}`));
    return { emu, seen };
  }

  it('removes the triggers the URLs name, of any service, absolute or under the REST host, and prints their UUIDs (built CLI)', async () => {
    const { emu } = await twoServices();
    const r = await spawnCli(['rm', `${emu.url}${triggerCallPath(SVC, UUIDS[1]!)}`, triggerCallPath(OTHER, T_OTHER), '--json'], emulatorEnv(emu.url));
    expect(r).toEqual({ code: 0, stdout: `[\n  "${UUIDS[1]}",\n  "${T_OTHER}"\n]\n`, stderr: '' });
    expect(remaining(emu)).toEqual([UUIDS[0], UUIDS[2]]);
    expect(emu.store.service(OTHER)!.triggers).toEqual([]);
  });

  it('a URL whose trigger is gone is reported at its place, by 8 characters of its UUID; the others are removed (exit 4 when all fail alike)', async () => {
    const { emu } = await twoServices();
    const gone = triggerCallPath(SVC, UUIDS[5]!);
    const r = await spawnCli(['rm', gone, triggerCallPath(SVC, UUIDS[0]!)], emulatorEnv(emu.url));
    expect(r).toEqual({
      code: 1,
      stdout: `${UUIDS[0]}\n`,
      stderr: `Error: cannot find a trigger with the identifier '${UUIDS[5]!.slice(0, 8)}…' in service ${SVC.slice(0, 8)}\n`,
    });
    expect((await spawnCli(['rm', gone], emulatorEnv(emu.url))).code).toBe(4);
  });

  it('a service with a URL among its triggers, or a URL on another host: exit 2 before any request', async () => {
    const { emu, seen } = await twoServices();
    const env = emulatorEnv(emu.url);
    const mixed = await spawnCli(['rm', 'web', 'hook-0', `${emu.url}${triggerCallPath(SVC, UUIDS[1]!)}`], env);
    expect([mixed.code, mixed.stderr.split('\n')[0]]).toEqual([
      2,
      "Error: give a service and its triggers, or trigger URLs alone: use 'trigger rm <service> <trigger>...' or 'trigger rm <trigger-url>...'",
    ]);
    const elsewhere = await spawnCli(['rm', triggerCallPath(SVC, UUIDS[0]!), `http://localhost:9${triggerCallPath(SVC, UUIDS[1]!)}`], env);
    expect([elsewhere.code, elsewhere.stderr.split('\n')[0]]).toEqual([2, `Error: the trigger URL is on http://localhost:9, not on the REST host ${emu.url}`]);
    expect(seen).toEqual([]);
    expect(remaining(emu)).toEqual(UUIDS.slice(0, 3));
  });
});
