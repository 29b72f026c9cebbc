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

describe('a mistyped command or option gets the closest one suggested', () => {
  it('commands, by their name rather than their alias when both are as close', async () => {
    await expectUsage(['lst'], "unknown command 'lst' (Did you mean list?)");
    await expectUsage(['remve', 'web', 'x'], "unknown command 'remve' (Did you mean remove?)");
    await expectUsage(['hlep'], "unknown command 'hlep' (Did you mean help?)");
    await expectUsage(['frobnicate'], "unknown command 'frobnicate'");
  });

  it('subcommands of config', async () => {
    await expectUsage(['config', 'shwo'], "unknown command 'shwo' (Did you mean show?)", "Run 'trigger config --help' for usage.");
    await expectUsage(['config', 'sett', 'host', 'x'], "unknown command 'sett' (Did you mean set?)", "Run 'trigger config --help' for usage.");
  });

  it('options alone are unknown options, not a missing command', async () => {
    await expectUsage(['--hlep'], "unknown option '--hlep' (Did you mean --help?)");
    await expectUsage(['--bogus'], "unknown option '--bogus'");
    await expectUsage(['--bogus', 'list', 'web'], "unknown option '--bogus'");
  });

  it('a short option whose other case exists: -V for -v, -Q for -q', async () => {
    await expectUsage(['-V'], "unknown option '-V' (Did you mean -v?)");
    await expectUsage(['list', 'web', '-Q'], "unknown option '-Q' (Did you mean -q?)", "Run 'trigger list --help' for usage.");
  });

  it("a command's own options and the global ones, whatever the case", async () => {
    await expectUsage(['list', 'web', '--JSON'], "unknown option '--JSON' (Did you mean --json?)", "Run 'trigger list --help' for usage.");
    await expectUsage(['list', 'web', '--hots', 'x'], "unknown option '--hots' (Did you mean --host?)", "Run 'trigger list --help' for usage.");
    await expectUsage(['config', 'show', '--jsno'], "unknown option '--jsno' (Did you mean --json?)", "Run 'trigger config show --help' for usage.");
  });

  it('the value of an unknown --option=value is never repeated', async () => {
    const secret = registerSecret('s3cret-Zq8Vw1');
    await expectUsage(['list', 'web', `--apikey=${secret}`], "unknown option '--apikey'", "Run 'trigger list --help' for usage.");
  });
});

describe('help [command], help flags anywhere, and groups alone, like gh and docker', () => {
  const same = async (args: string[], as: string[]): Promise<void> => {
    const [asked, reference] = await Promise.all([run(args), run(as)]);
    expect(reference.code).toBe(0);
    expect(reference.stdout).toMatch(/^Usage: trigger/);
    expect({ args, code: asked.code, stderr: asked.stderr, stdout: asked.stdout }).toEqual({ args, code: 0, stderr: '', stdout: reference.stdout });
  };

  it('trigger help, and trigger alone, show the help of the tool', async () => {
    await same(['help'], ['--help']);
    await same([], ['--help']);
  });

  it('trigger help <command> shows the help of that command, aliases and subcommands too', async () => {
    await same(['help', 'list'], ['list', '--help']);
    await same(['help', 'ls'], ['ls', '--help']);
    await same(['help', 'config'], ['config', '--help']);
    await same(['help', 'config', 'set'], ['config', 'set', '--help']);
    await same(['config', 'help', 'set'], ['config', 'set', '--help']);
  });

  it('a help flag anywhere shows the help of the command named', async () => {
    await same(['-h', 'ls'], ['ls', '--help']);
    await same(['--profile', 'x', '--help', 'config', 'show'], ['config', 'show', '--help']);
    await same(['rm', 'web', 'x', '-h'], ['rm', '--help']);
  });

  it('trigger config alone shows its help and exits 0', async () => {
    await same(['config'], ['config', '--help']);
  });

  it('help about a command that does not exist is an unknown command, with a suggestion', async () => {
    await expectUsage(['help', 'nosuch'], "unknown command 'nosuch'");
    await expectUsage(['help', 'lst'], "unknown command 'lst' (Did you mean list?)");
    await expectUsage(['lst', '--help'], "unknown command 'lst' (Did you mean list?)");
    await expectUsage(['help', 'config', 'shwo'], "unknown command 'shwo' (Did you mean show?)", "Run 'trigger config --help' for usage.");
  });

  it('the help of the tool lists help [command]', async () => {
    const r = await run(['--help']);
    expect(r.stdout).toMatch(/^ {2}help \[command\] +show help for a command$/m);
  });

  it('help after a command that takes arguments is an argument, not a request for help', async () => {
    const r = await run(['list', 'help', '--no-retry'], emulatorEnv('http://127.0.0.1:9'));
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 5, stdout: '' });
  });
});

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
