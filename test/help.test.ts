// Help and typos, through the built CLI: the help of the tool and of each command (usage, examples,
// exit codes), `help [command]` and help flags anywhere, suggestions for mistyped commands, options
// and hosts, and help that fits the terminal it is shown on.
import { beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, runCli, spawnCli, tempHome, type Result } from './helpers/cli.js';
import { describeInPty, runInPty } from './helpers/pty.js';
import { registerSecret } from './helpers/secrets.js';

const home = tempHome();
const LIST_HINT = "Run 'trigger list --help' for usage.";
const run = (args: string[], env: Record<string, string> = home): Promise<Result> => spawnCli(args, env);

/** A usage error: nothing on stdout, exit 2, the `Error:` line and the hint. */
async function expectUsage(args: string[], error: string, hint = "Run 'trigger --help' for usage."): Promise<void> {
  const r = await run(args);
  expect({ args, code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({
    args,
    code: 2,
    stdout: '',
    stderr: `Error: ${error}\n${hint}\n`,
  });
}

describe('--help of the tool and of each command', () => {
  it('--help shows usage, the commands, examples and the exit codes on stdout', async () => {
    const env = tempHome();
    const [root, call] = await Promise.all([spawnCli(['--help'], env), spawnCli(['call', '-h'], env)]);
    expect(root.code).toBe(0);
    expect(root.stderr).toBe('');
    expect(root.stdout).toContain('Usage: trigger');
    for (const cmd of ['list', 'create', 'inspect', 'rm', 'call']) expect(root.stdout).toMatch(new RegExp(`^\\s+${cmd}\\b`, 'm'));
    expect(root.stdout).toMatch(/Examples:\n\s+\$ trigger /);
    expect(root.stdout).toContain('Exit codes:');
    for (const code of [0, 1, 2, 3, 4, 5]) expect(root.stdout).toMatch(new RegExp(`^\\s+${code}\\s+\\S`, 'm'));
    expect(call.code).toBe(0);
    expect(call.stderr).toBe('');
    expect(call.stdout).toContain('Usage: trigger call');
    expect(call.stdout).toMatch(/Examples:\n\s+\$ trigger call /);
  });

  it('each subcommand --help shows its usage and examples, exit 0', async () => {
    for (const cmd of ['list', 'ls', 'create', 'inspect', 'rm', 'call']) {
      const r = await runCli([cmd, '--help'], tempHome());
      expect({ cmd, code: r.code, stderr: r.stderr }).toEqual({ cmd, code: 0, stderr: '' });
      expect(r.stdout).toContain('Usage: trigger ');
      expect(r.stdout).toMatch(/Examples:\n\s+\$ trigger /);
    }
  });
});

describe('a mistyped command or option gets the closest one suggested', () => {
  it('commands, by their name rather than their alias when both are as close', async () => {
    await Promise.all([
      expectUsage(['lst'], "unknown command 'lst' (Did you mean list?)"),
      expectUsage(['remve', 'web', 'x'], "unknown command 'remve' (Did you mean remove?)"),
      expectUsage(['hlep'], "unknown command 'hlep' (Did you mean help?)"),
      expectUsage(['frobnicate'], "unknown command 'frobnicate'"),
    ]);
  });

  it('subcommands of config', async () => {
    await Promise.all([
      expectUsage(['config', 'shwo'], "unknown command 'shwo' (Did you mean show?)", "Run 'trigger config --help' for usage."),
      expectUsage(['config', 'sett', 'host', 'x'], "unknown command 'sett' (Did you mean set?)", "Run 'trigger config --help' for usage."),
    ]);
  });

  it('options alone are unknown options, not a missing command', async () => {
    await Promise.all([
      expectUsage(['--hlep'], "unknown option '--hlep' (Did you mean --help?)"),
      expectUsage(['--bogus'], "unknown option '--bogus'"),
      expectUsage(['--bogus', 'list', 'web'], "unknown option '--bogus'"),
    ]);
  });

  it('a short option whose other case exists: -V for -v, -Q for -q', async () => {
    await Promise.all([
      expectUsage(['-V'], "unknown option '-V' (Did you mean -v?)"),
      expectUsage(['list', 'web', '-Q'], "unknown option '-Q' (Did you mean -q?)", LIST_HINT),
    ]);
  });

  it("a command's own options and the global ones, whatever the case", async () => {
    await Promise.all([
      expectUsage(['list', 'web', '--JSON'], "unknown option '--JSON' (Did you mean --json?)", LIST_HINT),
      expectUsage(['list', 'web', '--hots', 'x'], "unknown option '--hots' (Did you mean --host?)", LIST_HINT),
      expectUsage(
        ['config', 'show', '--jsno'],
        "unknown option '--jsno' (Did you mean --json?)",
        "Run 'trigger config show --help' for usage.",
      ),
    ]);
  });

  it('the value of an unknown --option=value is never repeated', async () => {
    const secret = registerSecret('s3cret-Zq8Vw1');
    await expectUsage(['list', 'web', `--apikey=${secret}`], "unknown option '--apikey'", LIST_HINT);
  });
});

describe('help [command], help flags anywhere, and groups alone, like gh and docker', () => {
  const same = async (args: string[], as: string[]): Promise<void> => {
    const [asked, reference] = await Promise.all([run(args), run(as)]);
    expect(reference.code).toBe(0);
    expect(reference.stdout).toMatch(/^Usage: trigger/);
    expect({ args, code: asked.code, stderr: asked.stderr, stdout: asked.stdout }).toEqual({
      args,
      code: 0,
      stderr: '',
      stdout: reference.stdout,
    });
  };

  it('trigger help, and trigger alone, show the help of the tool', async () => {
    await Promise.all([same(['help'], ['--help']), same([], ['--help'])]);
  });

  it('trigger help <command> shows the help of that command, aliases and subcommands too', async () => {
    await Promise.all([
      same(['help', 'list'], ['list', '--help']),
      same(['help', 'ls'], ['ls', '--help']),
      same(['help', 'config'], ['config', '--help']),
      same(['help', 'config', 'set'], ['config', 'set', '--help']),
      same(['config', 'help', 'set'], ['config', 'set', '--help']),
    ]);
  });

  it('a help flag anywhere shows the help of the command named', async () => {
    await Promise.all([
      same(['-h', 'ls'], ['ls', '--help']),
      same(['--profile', 'x', '--help', 'config', 'show'], ['config', 'show', '--help']),
      same(['rm', 'web', 'x', '-h'], ['rm', '--help']),
    ]);
  });

  it('trigger config alone shows its help and exits 0', async () => {
    await same(['config'], ['config', '--help']);
  });

  it('help about a command that does not exist is an unknown command, with a suggestion', async () => {
    await Promise.all([
      expectUsage(['help', 'nosuch'], "unknown command 'nosuch'"),
      expectUsage(['help', 'lst'], "unknown command 'lst' (Did you mean list?)"),
      expectUsage(['lst', '--help'], "unknown command 'lst' (Did you mean list?)"),
      expectUsage(['help', 'config', 'shwo'], "unknown command 'shwo' (Did you mean show?)", "Run 'trigger config --help' for usage."),
    ]);
  });

  it('the help of the tool lists help [command]', async () => {
    const r = await run(['--help']);
    expect(r.stdout).toMatch(/^ {2}help \[command\] +Show help for a command$/m);
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
    await Promise.all(
      cases.map(([host, meant]) =>
        expectUsage(['--host', host, 'list', 'web'], `--host must be an http(s) URL, not '${host}'; did you mean ${meant}?`, LIST_HINT),
      ),
    );
    const env = await run(['list', 'web'], { ...home, DOCKERCLOUD_REST_HOST: 'localhost:18080' });
    expect(env.stderr.split('\n')[0]).toBe(
      "Error: DOCKERCLOUD_REST_HOST must be an http(s) URL, not 'localhost:18080'; did you mean http://localhost:18080/?",
    );
    const set = await run(['config', 'set', 'host', 'localhost:18080'], tempHome());
    expect(set.stderr.split('\n')[0]).toBe(
      "Error: host must be an http(s) URL, not 'localhost:18080'; did you mean http://localhost:18080/?",
    );
  });

  it('the user and password of a host are never repeated, nor suggested', async () => {
    const password = registerSecret('host-pw-Lk29Xa');
    const r = await run(['--host', `alice:${password}@localhost:18080`, 'list', 'web']);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('alice');
    expect(r.stderr).not.toContain('did you mean');
  });

  it('what does not look like a host gets no suggestion', async () => {
    await Promise.all([
      expectUsage(
        ['--host', 'cloud docker com', 'list', 'web'],
        "--host must be an http(s) URL such as https://cloud.docker.com/, not 'cloud docker com'",
        LIST_HINT,
      ),
      expectUsage(['--host', 'localhost:18080/api/', 'list', 'web'], '--host must be an http(s) URL, not a localhost URL', LIST_HINT),
    ]);
  });
});

/** Each `trigger ... --help` whose layout differs: the tool, commands with long terms, examples or subcommands. */
const HELP_SCREENS = [[], ['list'], ['call'], ['rm'], ['config'], ['config', 'set'], ['login'], ['completion']];

/** The words of a help text, in order. */
const wordsOf = (text: string): string[] => text.split(/\s+/).filter((w) => w !== '');

/**
 * Checks that `fitted` is `reference` wrapped again: the same words in the same order, a word cut
 * only where it is longer than a line of `width` can hold.
 */
function expectSameWords(fitted: string, reference: string, width: number): void {
  const got = wordsOf(fitted);
  const want = wordsOf(reference);
  let g = 0;
  for (const word of want) {
    let joined = got[g++] ?? '';
    while (joined !== word && word.startsWith(joined) && g < got.length) {
      expect(word.length, `'${word}' was cut`).toBeGreaterThan(width - 8);
      joined += got[g++];
    }
    expect(joined).toBe(word);
  }
  expect(g).toBe(got.length);
}

describe('help fits the terminal', () => {
  /** Each help screen as printed when piped. */
  let piped: string[];
  beforeAll(async () => {
    const results = await Promise.all(HELP_SCREENS.map((screen) => run([...screen, '--help'])));
    for (const r of results) expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    piped = results.map((r) => r.stdout);
  });

  it('piped, every help is at most 80 columns wide', () => {
    HELP_SCREENS.forEach((screen, i) => {
      const long = piped[i].split('\n').filter((l) => l.length > 80);
      expect({ screen, long }).toEqual({ screen, long: [] });
    });
  });

  describeInPty('in a pseudo-terminal', () => {
    it.each([40, 60, 80, 120, 200])('at %i columns: no line is wider, and words are wrapped whole', async (columns) => {
      const shown = await Promise.all(HELP_SCREENS.map((screen) => runInPty([...screen, '--help'], { columns })));
      HELP_SCREENS.forEach((screen, i) => {
        const { code, text: output } = shown[i];
        expect(code).toBe(0);
        const long = output.split('\n').filter((l) => l.length > columns);
        expect({ screen, long }).toEqual({ screen, long: [] });
        expectSameWords(output, piped[i], columns);
        if (columns === 80) expect(output).toBe(piped[i]);
      });
    });

    it('a wide terminal gets long lines; a narrow one puts each description under its option', async () => {
      const [wide, narrow] = await Promise.all([runInPty(['--help'], { columns: 200 }), runInPty(['--help'], { columns: 40 })]);
      expect(wide.text).toMatch(
        /^ {2}--host <url> +REST host of the API \(env: DOCKERCLOUD_REST_HOST; default: https:\/\/cloud\.docker\.com\/\)$/m,
      );
      expect(narrow.text).toMatch(/^ {2}--host <url>\n {6}REST host of the API/m);
      expect(narrow.text).toMatch(/^ {2}list\|ls \[service\]\n {6}List the triggers/m);
    });
  });
});
