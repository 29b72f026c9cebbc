// Commands over many identifiers (src/commands/rm.ts, inspect.ts, many.ts) and the cost of resolving
// identifiers (src/resolve.ts): bounded concurrency over the run's keep-alive connections, output in
// the order of the arguments, failures reported in that order, and no request that the API makes
// needless.
import { isUuid } from '../src/api/paths.js';
import { afterEach, describe, expect, it } from 'vitest';
import { servicesPath, triggerPath, triggersPath } from '../src/api/paths.js';
import type { SeedService } from '../src/emulator/store.js';
import { emulatorEnv, runCli, type Result } from './helpers/cli.js';
import { startEmulator, type RunningEmulator } from './helpers/emulator.js';
import { instrument, type Instrumented } from './helpers/instrumented.js';

const SVC = 'a1b2c3d4-0000-4000-8000-000000000001';
const OTHER_SVC = 'b1b2c3d4-0000-4000-8000-000000000002';
const LIMIT = 8;
const COUNT = 210;

/** Trigger i: the first group of its UUID is unique, so those 8 hex digits are an unambiguous prefix. */
const uuidOf = (i: number): string => `${(0x10000000 + i * 0x100).toString(16)}-0000-4000-8000-${(i + 1).toString(16).padStart(12, '0')}`;
const nameOf = (i: number): string => `hook-${i}`;

function seed(): SeedService[] {
  return [
    {
      uuid: SVC,
      name: 'web',
      stack: null,
      triggers: Array.from({ length: COUNT }, (_, i) => ({ uuid: uuidOf(i), name: nameOf(i), operation: i % 5 === 0 ? 'SCALEUP' : 'REDEPLOY' })),
    },
    // Same names in another service: lookups must stay within the service given.
    { uuid: OTHER_SVC, name: 'api', stack: null, triggers: [{ name: nameOf(3) }, { name: nameOf(4) }] },
  ];
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

/**
 * Runs `trigger <args>` against a fresh emulator whose server is instrumented; requests are held
 * (to make concurrent ones overlap) unless `hold` is false.
 */
async function runInstrumented(args: string[], { hold = true } = {}): Promise<{ emu: RunningEmulator; probe: Instrumented; r: Result }> {
  const emu = await startEmulator({ seed: seed(), pageSize: 25 });
  cleanups.push(() => emu.close());
  const probe = instrument(emu.server, { hold });
  const r = await runCli(args, emulatorEnv(emu.url));
  return { emu, probe, r };
}

/** The triggers numbered by `order`, each named the way `kind` says: full UUID, UUID prefix or name. */
function identifiers(order: number[]): string[] {
  return order.map((i) => {
    switch (i % 3) {
      case 0:
        return uuidOf(i);
      case 1:
        return uuidOf(i).slice(0, 8);
      default:
        return nameOf(i);
    }
  });
}

/** 0..n-1 in a scrambled order (a multiplicative permutation), neither server order nor its reverse. */
function scrambled(n: number, total = COUNT): number[] {
  const out: number[] = [];
  for (let k = 0; out.length < n; k++) {
    const i = (k * 83 + 17) % total;
    if (!out.includes(i)) out.push(i);
  }
  return out;
}

const remaining = (emu: RunningEmulator): string[] => emu.store.state.services[0]!.triggers.map((t) => t.uuid);

describe('rm of many triggers', () => {
  it('removes 200 triggers named at once (UUIDs, prefixes, names) and prints their UUIDs in argument order', async () => {
    const order = scrambled(200);

    const { emu, probe, r } = await runInstrumented(['rm', 'web', ...identifiers(order)]);

    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l !== '')).toEqual(order.map(uuidOf));
    const kept = Array.from({ length: COUNT }, (_, i) => i).filter((i) => !order.includes(i));
    expect(remaining(emu)).toEqual(kept.map(uuidOf));
    // the other service's triggers of the same names are untouched
    expect(emu.store.state.services[1]!.triggers.length).toBe(2);
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
    ids.splice(190, 0, bad[3]!);
    ids.splice(120, 0, bad[2]!);
    ids.splice(60, 0, bad[1]!);
    ids.splice(5, 0, bad[0]!);

    const { emu, probe, r } = await runInstrumented(['rm', 'web', ...ids]);

    expect(r.code).toBe(1);
    expect(r.stdout.split('\n').filter((l) => l !== '')).toEqual(order.map(uuidOf));
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('Error:'));
    expect(errors.length).toBe(4);
    // Full trigger UUIDs are named by their first 8 characters only.
    bad.forEach((id, k) => expect(errors[k]).toContain(isUuid(id) ? `'${id.slice(0, 8)}…'` : `'${id}'`));
    const kept = Array.from({ length: COUNT }, (_, i) => i).filter((i) => !order.includes(i));
    expect(remaining(emu)).toEqual(kept.map(uuidOf));
    expect(probe.maxInFlight()).toBeLessThanOrEqual(LIMIT);
    expect(probe.connections()).toBeLessThanOrEqual(3 * LIMIT);
  });

  it('--json prints the removed UUIDs as a JSON array in argument order', async () => {
    const order = scrambled(40);

    const { r } = await runInstrumented(['rm', SVC, ...identifiers(order), '--json']);

    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(order.map(uuidOf));
  });
});

describe('inspect of many triggers', () => {
  it('prints 50 triggers as a JSON array in argument order', async () => {
    const order = scrambled(50);

    const { emu, probe, r } = await runInstrumented(['inspect', 'web', ...identifiers(order)]);

    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout) as { uuid: string; name: string }[];
    expect(printed.map((t) => t.uuid)).toEqual(order.map(uuidOf));
    expect(printed.map((t) => t.name)).toEqual(order.map(nameOf));
    // nothing removed, nothing changed
    expect(remaining(emu).length).toBe(COUNT);
    expect(probe.maxInFlight()).toBeGreaterThan(1);
    expect(probe.maxInFlight()).toBeLessThanOrEqual(LIMIT);
    expect(probe.connections()).toBeLessThanOrEqual(3 * LIMIT);
  });
});

describe('identifiers resolve with as few requests as the API allows', () => {
  const triggerList = triggersPath(SVC);

  it('rm <service-uuid> <trigger-uuid>: exactly one request, the DELETE', async () => {
    const { probe, r } = await runInstrumented(['rm', SVC, uuidOf(7)], { hold: false });

    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${uuidOf(7)}\n`);
    expect(probe.requests.map((q) => `${q.method} ${q.url.pathname}${q.url.search}`)).toEqual([`DELETE ${triggerPath(SVC, uuidOf(7))}`]);
  });

  it('upper-case full UUIDs need no lookup either', async () => {
    const { probe, r } = await runInstrumented(['rm', SVC.toUpperCase(), uuidOf(8).toUpperCase()], { hold: false });

    expect(r.code).toBe(0);
    expect(probe.requests.map((q) => `${q.method} ${q.url.pathname}`)).toEqual([`DELETE ${triggerPath(SVC, uuidOf(8))}`]);
  });

  it('inspect <service-uuid> <trigger-uuid>: exactly one request, the GET of the trigger', async () => {
    const { probe, r } = await runInstrumented(['inspect', SVC, uuidOf(9)], { hold: false });

    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { uuid: string }[]).map((t) => t.uuid)).toEqual([uuidOf(9)]);
    expect(probe.requests.map((q) => `${q.method} ${q.url.pathname}${q.url.search}`)).toEqual([`GET ${triggerPath(SVC, uuidOf(9))}`]);
  });

  it('inspect <service-uuid> <name>: one filtered request, nothing else', async () => {
    const { probe, r } = await runInstrumented(['inspect', SVC, nameOf(11)], { hold: false });

    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { uuid: string }[]).map((t) => t.uuid)).toEqual([uuidOf(11)]);
    expect(probe.requests.length).toBe(1);
    const [q] = probe.requests;
    expect(q!.method).toBe('GET');
    expect(q!.url.pathname).toBe(triggerList);
    expect(q!.url.searchParams.get('name')).toBe(nameOf(11));
    // filtered by the server, not a listing of every trigger
    expect(Number(q!.url.searchParams.get('limit'))).toBeLessThan(COUNT);
  });

  it('rm <service-uuid> <name>: one filtered lookup, then the DELETE', async () => {
    const { probe, r } = await runInstrumented(['rm', SVC, nameOf(12)], { hold: false });

    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${uuidOf(12)}\n`);
    expect(probe.requests.map((q) => `${q.method} ${q.url.pathname}`)).toEqual([`GET ${triggerList}`, `DELETE ${triggerPath(SVC, uuidOf(12))}`]);
    expect(probe.requests[0]!.url.searchParams.get('name')).toBe(nameOf(12));
  });

  it('rm <service-name> <trigger-uuid>: one filtered service lookup, then the DELETE', async () => {
    const { probe, r } = await runInstrumented(['rm', 'web', uuidOf(13)], { hold: false });

    expect(r.code).toBe(0);
    expect(probe.requests.map((q) => `${q.method} ${q.url.pathname}`)).toEqual([`GET ${servicesPath()}`, `DELETE ${triggerPath(SVC, uuidOf(13))}`]);
    expect(probe.requests[0]!.url.searchParams.get('name')).toBe('web');
  });

  it('rm <service-uuid> <uuid-prefix>: one filtered lookup, then the DELETE', async () => {
    const { probe, r } = await runInstrumented(['rm', SVC, uuidOf(14).slice(0, 8)], { hold: false });

    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${uuidOf(14)}\n`);
    expect(probe.requests.map((q) => `${q.method} ${q.url.pathname}`)).toEqual([`GET ${triggerList}`, `DELETE ${triggerPath(SVC, uuidOf(14))}`]);
    expect(probe.requests[0]!.url.searchParams.get('uuid__startswith')).toBe(uuidOf(14).slice(0, 8));
  });
});
