// Help and typos, through the built CLI: `help [command]` and help flags anywhere, suggestions for
// mistyped commands, options and hosts.
import { describe, expect, it } from 'vitest';
import { emulatorEnv, spawnCli, tempHome, type Result } from './helpers/cli.js';
import { registerSecret } from './helpers/secrets.js';

const home = tempHome();
const run = (args: string[], env: Record<string, string> = home): Promise<Result> => spawnCli(args, env);

/** A usage error: nothing on stdout, exit 2, the `Error:` line and the hint. */
async function expectUsage(args: string[], error: string, hint = "Run 'trigger --help' for usage."): Promise<void> {
  const r = await run(args);
  expect({ args, code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ args, code: 2, stdout: '', stderr: `Error: ${error}\n${hint}\n` });
}

describe('a host without a scheme gets the URL it most likely means', () => {
  it('host:port forms of --host, DOCKERCLOUD_REST_HOST and config set host', async () => {
    const cases: [string, string][] = [
      ['localhost:18080', 'http://localhost:18080/'],
      ['127.0.0.1:18080', 'http://127.0.0.1:18080/'],
      ['[::1]:18080', 'http://[::1]:18080/'],
      ['localhost', 'http://localhost/'],
      ['cloud.example.com:8443', 'https://cloud.example.com:8443/'],
      ['cloud.example.com', 'https://cloud.example.com/'],
    ];
    for (const [host, meant] of cases) {
      await expectUsage(['--host', host, 'list', 'web'], `--host must be an http(s) URL, not '${host}'; did you mean ${meant}?`, "Run 'trigger list --help' for usage.");
    }
    const env = await run(['list', 'web'], { ...home, DOCKERCLOUD_REST_HOST: 'localhost:18080' });
    expect(env.stderr.split('\n')[0]).toBe("Error: DOCKERCLOUD_REST_HOST must be an http(s) URL, not 'localhost:18080'; did you mean http://localhost:18080/?");
    const set = await run(['config', 'set', 'host', 'localhost:18080'], tempHome());
    expect(set.stderr.split('\n')[0]).toBe("Error: host must be an http(s) URL, not 'localhost:18080'; did you mean http://localhost:18080/?");
  });

  it('the user and password of a host are never repeated, nor suggested', async () => {
    const password = registerSecret('host-pw-Lk29Xa');
    const r = await run(['--host', `alice:${password}@localhost:18080`, 'list', 'web']);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('alice');
    expect(r.stderr).not.toContain('did you mean');
  });

  it('what does not look like a host gets no suggestion', async () => {
    await expectUsage(['--host', 'cloud docker com', 'list', 'web'], "--host must be an http(s) URL such as https://cloud.docker.com/, not 'cloud docker com'", "Run 'trigger list --help' for usage.");
    await expectUsage(['--host', 'localhost:18080/api/', 'list', 'web'], '--host must be an http(s) URL, not a localhost URL', "Run 'trigger list --help' for usage.");
  });
});
