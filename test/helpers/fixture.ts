// The seeded services and triggers, with fixed UUIDs, shared by the CLI end-to-end tests and the
// identifier-resolution tests. Each test file builds its own seed from these and adds what only it needs.
import type { SeedService } from '../../src/emulator/store.js';

type SeedTrigger = NonNullable<SeedService['triggers']>[number];

// Services. WEB_DEMO and WEB_OTHER share a name (in two stacks); API and DB share the UUID prefix c0ffee0.
export const WEB_DEMO = 'a1b2c3d4-0000-4000-8000-000000000001';
export const WEB_OTHER = 'b1b2c3d4-0000-4000-8000-000000000002';
export const API = 'c0ffee01-0000-4000-8000-000000000003';
export const DB = 'c0ffee02-0000-4000-8000-000000000004';
/** A UUID that no seeded service or trigger has. */
export const MISSING = '99999999-0000-4000-8000-000000000009';
// Triggers of web.demo (T_DEPLOY and T_SCALE share the prefix 'd').
export const T_DEPLOY = 'd1d1d1d1-0000-4000-8000-00000000000a';
export const T_SCALE = 'd2d2d2d2-0000-4000-8000-00000000000b';
export const T_OLD = 'f0f0f0f0-0000-4000-8000-00000000000c';

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
