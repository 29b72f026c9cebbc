// The emulator's command line, on the built binary: every option checked before it starts, each
// mistake one line and a hint, exit 2; --version; the ready line.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { basic } from './helpers/account.js';
import { cleanUpProcesses, runEmulator, startEmulatorProcess } from './helpers/emulator-process.js';

afterEach(cleanUpProcesses);

const HINT = "Run 'dockercloud-emulator --help' for usage.";

/** Runs the emulator with `args` and expects it to refuse them: exit 2, nothing on stdout, two lines on stderr. */
async function refused(args: string[]): Promise<string> {
  const p = runEmulator(args);
  expect(await p.exited).toEqual({ code: 2, signal: null });
  expect(p.stdout()).toBe('');
  const lines = p.stderr().split('\n');
  expect(lines).toEqual([expect.stringMatching(/^Error: \S/), HINT, '']);
  return lines[0];
}

describe('options', () => {
  it.each([
    { args: ['--client-timeout', '0.0001'], message: /--client-timeout must be a number of seconds from 0\.001 to 3600, not '0\.0001'/ },
    { args: ['--client-timeout', '0'], message: /--client-timeout/ },
    { args: ['--client-timeout', '3601'], message: /--client-timeout/ },
    { args: ['--client-timeout', '1e3'], message: /--client-timeout/ },
    { args: ['--client-timeout', 'abc'], message: /--client-timeout/ },
    { args: ['--client-timeout', ''], message: /--client-timeout/ },
    { args: ['--port', '65536'], message: /--port must be a whole number from 0 to 65535, not '65536'/ },
    { args: ['--port', '-1'], message: /^Error: --port must be a whole number from 0 to 65535, not '-1'$/ },
    { args: ['--page-size', '-5'], message: /^Error: --page-size must be a whole number from 1 to 1000, not '-5'$/ },
    { args: ['--client-timeout', '-.5'], message: /^Error: --client-timeout must be a number of seconds from 0\.001 to 3600, not '-\.5'$/ },
    { args: ['--port', '8.5'], message: /--port/ },
    { args: ['--port', '0x50'], message: /--port/ },
    { args: ['--page-size', '0'], message: /--page-size must be a whole number from 1 to 1000, not '0'/ },
    { args: ['--page-size', '1001'], message: /--page-size/ },
    { args: ['--max-page-size', '0'], message: /^Error: --max-page-size must be a whole number from 1 to 1000, not '0'$/ },
    { args: ['--max-page-size', '1001'], message: /--max-page-size/ },
    { args: ['--host', 'not a host'], message: /--host must be an IP address or a host name, not 'not a host'/ },
    { args: ['--host', ''], message: /--host/ },
    { args: ['--user', ''], message: /--user/ },
    { args: ['--user', 'a:b'], message: /--user must be a user name, without ':'/ },
    { args: ['--apikey', ''], message: /--apikey/ },
    { args: ['--data', ''], message: /--data must be a file name/ },
    { args: ['--seed', ''], message: /--seed must be a file name/ },
    { args: ['--namespace', 'my/org'], message: /--namespace must be a user or organisation name/ },
    { args: ['--namespace', ''], message: /--namespace/ },
    { args: ['--port'], message: /--port needs a value/ },
    { args: ['--help=yes'], message: /--help takes no value/ },
    { args: ['serve'], message: /unexpected argument 'serve'/ },
  ])('$args: one line, a hint, exit 2', async ({ args, message }) => {
    expect(await refused(args)).toMatch(message);
  });

  it('a mistyped option gives one error line with a suggestion and the hint, not the whole help', async () => {
    expect(await refused(['--prot', '8080'])).toBe("Error: unknown option '--prot' (did you mean --port?)");
    expect(await refused(['--namspace', 'x'])).toBe("Error: unknown option '--namspace' (did you mean --namespace?)");
    expect(await refused(['--frobnicate'])).toBe("Error: unknown option '--frobnicate'");
  });

  it('--version and -v print the version', async () => {
    const { version } = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const p = runEmulator([flag]);
      expect(await p.exited).toEqual({ code: 0, signal: null });
      expect(p.stdout()).toBe(`${version}\n`);
      expect(p.stderr()).toBe('');
    }
  });

  it('--help lists every option', async () => {
    const p = runEmulator(['--help']);
    expect(await p.exited).toEqual({ code: 0, signal: null });
    for (const option of [
      '--port',
      '--host',
      '--data',
      '--seed',
      '--user',
      '--apikey',
      '--namespace',
      '--page-size',
      '--max-page-size',
      '--client-timeout',
      '--version',
      '--help',
    ]) {
      expect(p.stdout()).toContain(option);
    }
  });

  it("--namespace, repeated, serves those namespaces only (with the user's own and none)", async () => {
    const emu = await startEmulatorProcess(['--namespace', 'myorg', '--namespace', 'team']);
    const auth = basic('demo', 'demo-apikey');
    const status = async (path: string): Promise<number> => {
      const res = await fetch(`${emu.url}${path}`, { headers: { authorization: auth } });
      await res.body?.cancel();
      return res.status;
    };
    expect(await status('/api/app/v1/service/')).toBe(200);
    expect(await status('/api/app/v1/myorg/service/')).toBe(200);
    expect(await status('/api/app/v1/team/stack/')).toBe(200);
    expect(await status('/api/app/v1/demo/service/')).toBe(200);
    expect(await status('/api/app/v1/otherorg/service/')).toBe(404);
    expect(await status('/api/audit/v1/otherorg/action/')).toBe(404);
  });
});
