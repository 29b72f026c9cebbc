// The output of `trigger create` (and of `rotate`, which prints the new trigger as create does): the
// table kept whole on a terminal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { triggerCallPath } from '../../src/api/paths.js';
import { emulatorEnv, runCli } from '../helpers/cli.js';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { WEB_DEMO, webDemo } from '../helpers/fixture.js';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ seed: [webDemo()] });
});
afterAll(() => emu.close());

const run = (args: string[], opts: Parameters<typeof runCli>[2] = {}) => runCli(args, emulatorEnv(emu.url), opts);
const made = (name: string) => emu.store.service(WEB_DEMO)!.triggers.find((t) => t.name === name)!;

describe('trigger create on a terminal', () => {
  it('keeps the new trigger whole, its URL being what it is made for, even where list would fit the table', async () => {
    const r = await run(['create', 'web', '-n', 'wide-hook'], { tty: true, columns: 60 });
    const t = made('wide-hook');
    expect(r.stdout).toContain(`${emu.url}${triggerCallPath(WEB_DEMO, t.uuid)}`);
    expect(r.stdout).toContain(t.uuid);
  });
});
