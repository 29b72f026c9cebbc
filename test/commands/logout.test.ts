// `trigger logout`: it forgets the credentials of one profile, the current one unless --profile names
// another, and nothing else; a command of that profile then has none to send. The built CLI with a
// temporary config folder, against the emulator on loopback, which records every request it is sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnCli, tempHome } from '../helpers/cli.js';
import { APIKEY, startEmulator, USER, type RunningEmulator } from '../helpers/emulator.js';
import { registerSecret } from '../helpers/secrets.js';

type Home = ReturnType<typeof tempHome>;
const homes: string[] = [];
let emu: RunningEmulator;
let host: string;
let requests = 0;

beforeAll(async () => {
  emu = await startEmulator();
  host = `${emu.url}/`;
  emu.server.on('request', () => requests++);
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
const readConfig = (h: Home): { profiles?: Record<string, Record<string, unknown>> } => JSON.parse(readFileSync(configFile(h), 'utf8'));

describe('trigger logout', () => {
  it("logout --profile forgets that profile's credentials only", async () => {
    // alice logged in to the default profile, the emulator's user to work, the current one.
    const alice = { user: 'alice', apikey: registerSecret('alice-key-J3d'), host: 'http://127.0.0.1:9/', loginHost: 'http://127.0.0.1:9/' };
    const h = home();
    mkdirSync(h.TRIGGER_CONFIG_DIR, { recursive: true, mode: 0o700 });
    const profiles = { default: alice, work: { user: USER, apikey: APIKEY, host, loginHost: host } };
    writeFileSync(configFile(h), JSON.stringify({ currentProfile: 'work', profiles }), { mode: 0o600 });

    const r = await spawnCli(['logout', '--profile', 'work'], { ...h });
    expect(r.code).toBe(0);
    const saved = readConfig(h);
    expect(saved.profiles?.work?.user).toBeUndefined();
    expect(saved.profiles?.work?.apikey).toBeUndefined();
    expect(readFileSync(configFile(h), 'utf8')).not.toContain(APIKEY);
    expect(saved.profiles?.default).toMatchObject({ user: 'alice', apikey: alice.apikey });

    // work is still the current profile, and has no credentials left
    const before = requests;
    const after = await spawnCli(['list', 'web', '--json'], { ...h });
    expect(after.code).toBe(3);
    expect(after.stderr).toContain('trigger login');
    expect(requests).toBe(before);
  });
});
