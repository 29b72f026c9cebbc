// `trigger inspect`: triggers named by their call URLs as well as by service and identifier, and what
// it says of those it cannot find, naming their service as `name.stack`. Built CLI against the emulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { triggerCallPath } from '../../src/api/paths.js';
import { emulatorEnv, spawnCli } from '../helpers/cli.js';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { API, T_DEPLOY, T_SCALE, WEB_DEMO, webDemo } from '../helpers/fixture.js';

const T_API = '3a3a3a3a-0000-4000-8000-00000000000d';

let emu: RunningEmulator;
let seen: string[];
beforeAll(async () => {
  emu = await startEmulator({ seed: [webDemo(), { uuid: API, name: 'api', stack: null, triggers: [{ uuid: T_API, name: 'api-hook' }] }] });
  seen = [];
  emu.server.on('request', (req) => seen.push(`${req.method} ${req.url}`));
});
afterAll(() => emu.close());

describe('trigger inspect <trigger-url>...', () => {
  it('prints the triggers the URLs name, of any service, absolute or under the REST host', async () => {
    const r = await spawnCli(['inspect', `${emu.url}${triggerCallPath(WEB_DEMO, T_SCALE)}`, triggerCallPath(API, T_API), '--json', 'uuid,name'], emulatorEnv(emu.url));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      { uuid: T_SCALE, name: 'scale-hook' },
      { uuid: T_API, name: 'api-hook' },
    ]);
  });

  it('a SCALEUP call URL with its count names the trigger too', async () => {
    const r = await spawnCli(['inspect', `${triggerCallPath(WEB_DEMO, T_SCALE)}3/`, '--format', '{{.name}}'], emulatorEnv(emu.url));
    expect(r).toEqual({ code: 0, stdout: 'scale-hook\n', stderr: '' });
  });

  it('a URL that is not a trigger call URL, or whose UUIDs are not UUIDs, is a usage error before any request', async () => {
    const before = seen.length;
    const example = 'https://cloud.docker.com/api/app/v1/service/<uuid>/trigger/<uuid>/call/';
    for (const url of [
      `${emu.url}/api/app/v1/service/${WEB_DEMO}/`,
      `/api/app/v1/service/${'-'.repeat(36)}/trigger/${T_DEPLOY}/call/`,
      `${emu.url}${triggerCallPath(WEB_DEMO, T_DEPLOY)}?x=1`,
    ]) {
      expect(await spawnCli(['inspect', url], emulatorEnv(emu.url))).toEqual({
        code: 2,
        stdout: '',
        stderr: `Error: the trigger URL must be a trigger call URL, like ${example}\nRun 'trigger inspect --help' for usage.\n`,
      });
    }
    expect(seen.length).toBe(before);
  });
});

describe('trigger inspect of a trigger it cannot find', () => {
  it('names the service as name.stack (exit 4)', async () => {
    const r = await spawnCli(['inspect', 'web', 'nosuch'], emulatorEnv(emu.url));
    expect(r).toEqual({ code: 4, stdout: '[]\n', stderr: "Error: cannot find a trigger with the identifier 'nosuch' in service web.demo\n" });
  });
});
