// `trigger login`: it makes the profile it logs in to. The built CLI against the emulator on loopback.
// (The prompts themselves are in test/prompt.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnCli, tempHome } from '../helpers/cli.js';
import { APIKEY, startEmulator, USER, type RunningEmulator } from '../helpers/emulator.js';

type Home = ReturnType<typeof tempHome>;
const homes: string[] = [];
let emu: RunningEmulator;
let host: string;
const requests: string[] = [];

beforeAll(async () => {
  emu = await startEmulator();
  host = `${emu.url}/`;
  emu.server.on('request', (req) => requests.push(`${req.method} ${req.url}`));
});
afterAll(async () => {
  await emu.close();
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

function home(): Home {
  const h = tempHome();
  homes.push(h.HOME);
  return h;
}

const configFile = (h: Home): string => join(h.TRIGGER_CONFIG_DIR, 'config.json');

describe('login makes the profile it logs in to', () => {
  it('with --profile, or with TRIGGER_PROFILE, where every other command refuses the unknown profile', async () => {
    const h = home();
    expect((await spawnCli(['--profile', 'work', 'config', 'show'], { ...h })).code).toBe(2);
    const byFlag = await spawnCli(['--profile', 'work', '--host', host, 'login', '-u', USER, '--password-stdin'], { ...h }, APIKEY);
    expect(byFlag.code, byFlag.stderr).toBe(0);
    expect(byFlag.stdout).toBe(`Logged in as ${USER} at ${host} (profile work)\n`);
    const byEnv = await spawnCli(['--host', host, 'login', '-u', USER, '--password-stdin'], { ...h, TRIGGER_PROFILE: 'ci' }, APIKEY);
    expect(byEnv.code, byEnv.stderr).toBe(0);
    const saved = JSON.parse(readFileSync(configFile(h), 'utf8'));
    expect(Object.keys(saved.profiles)).toEqual(['work', 'ci']);
    const list = await spawnCli(['--profile', 'work', 'list', 'web.demo', '-q'], { ...h });
    expect(list.code, list.stderr).toBe(0);
  });
});
