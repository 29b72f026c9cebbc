// `trigger logout`: it forgets the credentials of one profile, the current one unless --profile names
// another, and nothing else; a command of that profile then has none to send. The built CLI with a
// temporary config folder, against the emulator on loopback, which records every request it is sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { spawnCli } from '../helpers/cli.js';
import { APIKEY, startEmulator, USER, type RunningEmulator } from '../helpers/emulator.js';
import { registerSecret } from '../helpers/secrets.js';
import { configFile, home, readConfig, removeHomes, writeConfig } from '../helpers/homes.js';

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
  removeHomes();
});

describe('trigger logout', () => {
  it("logout --profile forgets that profile's credentials only", async () => {
    // alice logged in to the default profile, the emulator's user to work, the current one.
    const alice = { user: 'alice', apikey: registerSecret('alice-key-J3d'), host: 'http://127.0.0.1:9/', loginHost: 'http://127.0.0.1:9/' };
    const h = home();
    const profiles = { default: alice, work: { user: USER, apikey: APIKEY, host, loginHost: host } };
    writeConfig(h, { currentProfile: 'work', profiles });

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
