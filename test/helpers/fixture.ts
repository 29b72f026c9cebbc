// The seeded services and triggers, with fixed UUIDs, shared by the tests of every command and of
// identifier resolution. Each test file builds its own seed from these and adds what only it needs.
import type { SeedService } from '../../src/emulator/store.js';

type SeedTrigger = NonNullable<SeedService['triggers']>[number];

// Services. WEB_DEMO and WEB_OTHER share a name (in two stacks); API and DB share the UUID prefix c0ffee0.
export const WEB_DEMO = 'a1b2c3d4-0000-4000-8000-000000000001';
export const WEB_OTHER = 'b1b2c3d4-0000-4000-8000-000000000002';
export const API = 'c0ffee01-0000-4000-8000-000000000003';
export const DB = 'c0ffee02-0000-4000-8000-000000000004';
/** A service without triggers. */
export const EMPTY = 'e0e0e0e0-0000-4000-8000-000000000005';
/** A service with a long name, for tables that must shorten it. */
export const PAYMENTS = 'a7a7a7a7-0000-4000-8000-000000000007';
/** A UUID that no seeded service or trigger has. */
export const MISSING = '99999999-0000-4000-8000-000000000009';
// Triggers of web.demo (T_DEPLOY and T_SCALE share the prefix 'd').
export const T_DEPLOY = 'd1d1d1d1-0000-4000-8000-00000000000a';
export const T_SCALE = 'd2d2d2d2-0000-4000-8000-00000000000b';
export const T_OLD = 'f0f0f0f0-0000-4000-8000-00000000000c';
/** The trigger of api. */
export const T_API = '3a3a3a3a-0000-4000-8000-00000000000d';
/** The trigger of web.other. */
export const T_OTHER = 'b2b2b2b2-0000-4000-8000-00000000000e';

/** The service web in stack demo (WEB_DEMO) with its triggers deploy-hook, scale-hook and old, then `extra`. */
export function webDemo(...extra: SeedTrigger[]): SeedService {
  return {
    uuid: WEB_DEMO,
    name: 'web',
    stack: 'demo',
    triggers: [
      { uuid: T_DEPLOY, name: 'deploy-hook', operation: 'REDEPLOY' },
      { uuid: T_SCALE, name: 'scale-hook', operation: 'SCALEUP' },
      { uuid: T_OLD, name: 'old', operation: 'REDEPLOY' },
      ...extra,
    ],
  };
}

/** The service api, in no stack (API), with its trigger api-hook. */
export function api(): SeedService {
  return { uuid: API, name: 'api', stack: null, triggers: [{ uuid: T_API, name: 'api-hook', operation: 'REDEPLOY' }] };
}

/**
 * The seed most command tests run against: web.demo and web.other (one name in two stacks), api and
 * db (UUIDs sharing a prefix), and empty, a service without triggers.
 */
export function standardSeed(): SeedService[] {
  return [
    webDemo(),
    { uuid: WEB_OTHER, name: 'web', stack: 'other', triggers: [{ uuid: T_OTHER, name: 'other-hook', operation: 'REDEPLOY' }] },
    api(),
    { uuid: DB, name: 'db', stack: null },
    { uuid: EMPTY, name: 'empty', stack: null },
  ];
}

/** The UUID of the i-th of many numbered triggers: its first 8 hex digits are its own, an unambiguous prefix. */
export function numbered(i: number): string {
  return `${(0x10000000 + i * 0x100).toString(16)}-0000-4000-8000-${(i + 1).toString(16).padStart(12, '0')}`;
}

/**
 * The service web, in no stack (WEB_DEMO), with `count` numbered triggers named hook-<i>, every fifth a
 * SCALEUP; and api (API) with two triggers of the same names as two of them, hook-3 and hook-4, so that
 * a lookup that strays from the service it was given shows.
 */
export function manyHooks(count: number): SeedService[] {
  return [
    {
      uuid: WEB_DEMO,
      name: 'web',
      stack: null,
      triggers: Array.from({ length: count }, (_, i) => ({
        uuid: numbered(i),
        name: `hook-${i}`,
        operation: i % 5 === 0 ? 'SCALEUP' : 'REDEPLOY',
      })),
    },
    { uuid: API, name: 'api', stack: null, triggers: [{ name: 'hook-3' }, { name: 'hook-4' }] },
  ];
}
