// `trigger rotate` when the old trigger cannot be removed: the hint names it by its first 8 characters,
// as every message that names a trigger does, never more of its still-live UUID.
import { afterEach, describe, expect, it } from 'vitest';
import { triggerPath } from '../../src/api/paths.js';
import { emulatorEnv, runCli } from '../helpers/cli.js';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { T_DEPLOY, WEB_DEMO, webDemo } from '../helpers/fixture.js';
import { forward, json, startHostileServer, type HostileServer } from '../helpers/hostile-server.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

describe('trigger rotate, the old trigger left in place', () => {
  it('the hint to remove it shows 8 characters of its UUID', async () => {
    const emu: RunningEmulator = await startEmulator({ seed: [webDemo()] });
    const proxy: HostileServer = await startHostileServer();
    cleanups.push(() => proxy.close(), () => emu.close());
    proxy.route('DELETE', triggerPath(WEB_DEMO, T_DEPLOY), json(500, { error: 'database is locked' }));
    proxy.fallback(forward(emu.url));
    const r = await runCli(['rotate', 'web', 'deploy-hook', '-q'], emulatorEnv(proxy.url));
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[1]).toBe(`Both triggers work now; remove the old one with 'trigger rm web ${T_DEPLOY.slice(0, 8)}'.`);
    expect(r.stderr).not.toContain(T_DEPLOY.slice(0, 9));
  });
});
