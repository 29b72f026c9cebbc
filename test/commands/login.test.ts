// `trigger login`: it makes the profile it logs in to, and `--password-stdin` refuses a standard
// input that is a terminal instead of waiting there, unprompted, for a key it would echo. The built
// CLI against the emulator on loopback; a pseudo-terminal where the terminal is the point.
// (The prompts themselves, Ctrl-C at them included, are in test/prompt.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnCli, tempHome } from '../helpers/cli.js';
import { APIKEY, startEmulator, USER, type RunningEmulator } from '../helpers/emulator.js';
import { describeInPty, runInPty } from '../helpers/pty.js';

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

describeInPty('login --password-stdin at a terminal', () => {
  it('refuses at once (exit 2), reads nothing, sends nothing, saves nothing', async () => {
    const h = home();
    const before = requests.length;
    // Typed at once: a run that waited for the key would read it up to Ctrl-D and try it.
    const r = await runInPty(['--host', host, 'login', '-u', USER, '--password-stdin'], { env: { ...h, TERM: 'dumb' }, answers: [['', 'typed-key\r\u0004']] });
    expect(r.output).toMatch(/^(typed-key\r\n)?Error: stdin is a terminal; pipe the key in, or leave out --password-stdin to be asked\r\n/);
    expect(r.code).toBe(2);
    expect(requests.length).toBe(before);
    expect(existsSync(configFile(h))).toBe(false);
  });
});
