// `trigger login`: the key is checked with one small request (with the User-Agent of every request)
// before it is saved, 0600 in a 0700 folder, with the host it was checked against, in the profile it
// logs in to, which it makes; later commands use it. A wrong key saves nothing and changes nothing.
// The key comes from --password-stdin, or from the prompts at a terminal (the user name echoed, the
// key not; Ctrl-C at either prompt or during the check cancels, exit 130, nothing saved), never from
// an argument; --password-stdin refuses a standard input that is a terminal and reads at most 4 KiB. The built CLI against
// the emulator on loopback; a pseudo-terminal (script(1)) where the terminal is the point.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VERSION } from '../../src/version.js';
import { b64, hooks } from '../helpers/account.js';
import { runCli, spawnCli, startCli, type RunningCli } from '../helpers/cli.js';
import { APIKEY, startEmulator, USER, type RunningEmulator } from '../helpers/emulator.js';
import { hang, startFaultServer } from '../helpers/fault-server.js';
import { webDemo } from '../helpers/fixture.js';
import { describeInPty, runInPty, startInPty, type PtyResult } from '../helpers/pty.js';
import { registerSecret } from '../helpers/secrets.js';
import { configFile, home, mode, readConfig, removeHomes, writeConfig, writeDockerConfig, type Home } from '../helpers/homes.js';

let emu: RunningEmulator;
let host: string;
/** Every request the emulator was sent. */
const seen: { method: string; url: string; authorization?: string; userAgent?: string }[] = [];
const INDEX = 'https://index.docker.io/v1/';

beforeAll(async () => {
  emu = await startEmulator({ seed: [webDemo()] });
  host = `${emu.url}/`;
  emu.server.on('request', (req) =>
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      authorization: req.headers.authorization,
      userAgent: req.headers['user-agent'],
    }),
  );
});
afterAll(async () => {
  await emu.close();
  removeHomes();
});

describe('login checks the key, then saves it', () => {
  const wrongKey = registerSecret('not-the-demo-key-7Hq');

  it('checks the key from --password-stdin with one small request, saves it 0600 in a 0700 folder, and later commands use it', async () => {
    const h = home();
    // docker's own file is only read, never written
    const dockerText = JSON.stringify({ auths: { [INDEX]: { auth: registerSecret(b64('someone-else', 'docker-pw-3Jx')) } } });
    writeDockerConfig(h, dockerText);
    const before = seen.length;

    const login = await spawnCli(['login', '--host', host, '--username', USER, '--password-stdin'], { ...h }, `${APIKEY}\n`);
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    expect(login.stdout).toContain(`Logged in as ${USER}`);

    const probe = seen.slice(before);
    expect(probe).toHaveLength(1);
    expect(probe[0].method).toBe('GET');
    expect(new URL(probe[0].url, 'http://x').searchParams.get('limit')).toBe('1');
    expect(probe[0].authorization).toBe(emu.auth);

    const saved = readConfig(h);
    expect(saved.profiles?.default).toMatchObject({ user: USER, apikey: APIKEY, host });
    expect(mode(configFile(h))).toBe(0o600);
    expect(mode(h.TRIGGER_CONFIG_DIR)).toBe(0o700);
    // TRIGGER_CONFIG_DIR overrides the XDG folder; the write left no temporary file behind
    expect(existsSync(join(h.XDG_CONFIG_HOME, 'trigger'))).toBe(false);
    expect(readdirSync(h.TRIGGER_CONFIG_DIR)).toEqual(['config.json']);
    expect(readFileSync(join(h.HOME, '.docker', 'config.json'), 'utf8')).toBe(dockerText);

    // No credential or host variables: the profile supplies both.
    const list = await spawnCli(['list', 'web', '--json'], { ...h });
    expect(list.stderr).toBe('');
    expect(list.code).toBe(0);
    expect(hooks(list)).toEqual(['deploy-hook', 'scale-hook', 'old']);
    expect(seen.at(-1)!.authorization).toBe(emu.auth);
  });

  it('with a wrong key exits 3 and creates no config file', async () => {
    const h = home();
    const r = await spawnCli(['login', '--host', host, '--username', USER, '--password-stdin'], { ...h }, `${wrongKey}\n`);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^Error: .*login failed/);
    expect(r.stdout).toBe('');
    expect(existsSync(configFile(h))).toBe(false);
  });

  it('with a wrong key leaves an existing config file byte-identical', async () => {
    const h = home();
    const text = JSON.stringify({ profiles: { default: { user: USER, apikey: APIKEY, host } } }, null, 2);
    const path = writeConfig(h, text);
    const r = await spawnCli(['login', '--username', USER, '--password-stdin'], { ...h }, wrongKey);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('login failed');
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('does not read a key from a stdin that is not a terminal unless --password-stdin is given', async () => {
    const h = home();
    const r = await spawnCli(['login', '--host', host, '--username', USER], { ...h }, `${APIKEY}\n`);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--password-stdin');
    expect(existsSync(configFile(h))).toBe(false);
  });

  it('never takes the secret as an argument', async () => {
    const h = home();
    const before = seen.length;
    const r = await spawnCli(['login', '--host', host, '--username', USER, '--password', APIKEY], { ...h });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Error: .*--password/);
    expect(seen.length).toBe(before);
    expect(existsSync(configFile(h))).toBe(false);
  });

  it('login checks with the same User-Agent as every request, and keeps the host it checked against', async () => {
    const h = home();
    const before = seen.length;
    const r = await runCli(['login', '-u', USER, '--password-stdin'], { ...h, DOCKERCLOUD_REST_HOST: host }, { stdin: `${APIKEY}\n` });
    expect(r.code, r.stderr).toBe(0);
    expect(seen.slice(before).map((q) => q.userAgent)).toEqual([`trigger/${VERSION}`]);
    // Without the variable, the saved credentials still go to the host they were checked against.
    expect(readConfig(h).profiles?.default?.host).toBe(host);
    const list = await runCli(['list', 'web', '--json'], h);
    expect(list.code, list.stderr).toBe(0);
    expect(hooks(list)).toEqual(['deploy-hook', 'scale-hook', 'old']);
  });
});

describe('login makes the profile it logs in to', () => {
  it('with --profile, or with TRIGGER_PROFILE, where every other command refuses the unknown profile', async () => {
    const h = home();
    expect((await spawnCli(['--profile', 'work', 'config', 'show'], { ...h })).code).toBe(2);
    const byFlag = await spawnCli(['--profile', 'work', '--host', host, 'login', '-u', USER, '--password-stdin'], { ...h }, APIKEY);
    expect(byFlag.code, byFlag.stderr).toBe(0);
    expect(byFlag.stdout).toBe(`Logged in as ${USER} at ${host} (profile work)\n`);
    const byEnv = await spawnCli(['--host', host, 'login', '-u', USER, '--password-stdin'], { ...h, TRIGGER_PROFILE: 'ci' }, APIKEY);
    expect(byEnv.code, byEnv.stderr).toBe(0);
    const saved = readConfig(h);
    expect(Object.keys(saved.profiles!)).toEqual(['work', 'ci']);
    const list = await spawnCli(['--profile', 'work', 'list', 'web.demo', '-q'], { ...h });
    expect(list.code, list.stderr).toBe(0);
  });
});

describeInPty('login --password-stdin at a terminal', () => {
  it('refuses at once (exit 2), reads nothing, sends nothing, saves nothing', async () => {
    const h = home();
    const before = seen.length;
    // Typed at once: a run that waited for the key would read it up to Ctrl-D and try it.
    const r = await runInPty(['--host', host, 'login', '-u', USER, '--password-stdin'], {
      env: { ...h, TERM: 'dumb' },
      answers: [['', 'typed-key\r\u0004']],
    });
    expect(r.output).toMatch(/^(typed-key\r\n)?Error: stdin is a terminal; pipe the key in, or leave out --password-stdin to be asked\r\n/);
    expect(r.code).toBe(2);
    expect(seen.length).toBe(before);
    expect(existsSync(configFile(h))).toBe(false);
  });
});

describe('login --password-stdin reads a key, not whatever comes', () => {
  const runs: RunningCli[] = [];
  afterEach(() => {
    for (const r of runs.splice(0)) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
  });
  const login = (args: string[], h: Home): RunningCli => {
    const run = startCli(['--host', host, 'login', '-u', USER, '--password-stdin', ...args], { ...h });
    runs.push(run);
    run.child.stdin!.on('error', () => {});
    return run;
  };

  it('stops reading past 4 KiB: exit 2 naming the limit, without waiting for the end of the input, nothing sent or saved', async () => {
    const h = home();
    const before = seen.length;
    const run = login([], h);
    // `yes |`: the input never ends, and the run must not wait for it to.
    run.child.stdin!.write('y\n'.repeat(4096));
    const r = await run.done;
    expect([r.code, r.stderr.split('\n')[0]]).toEqual([
      2,
      'Error: the API key on standard input is larger than 4 KiB, the most --password-stdin reads',
    ]);
    expect(seen.length).toBe(before);
    expect(existsSync(configFile(h))).toBe(false);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s while it reads cancels the login: exit %i, nothing sent or saved', async (signal, code) => {
    const h = home();
    const before = seen.length;
    const run = login(['--debug'], h);
    run.child.stdin!.write('half-a-key');
    await run.waitForOutput(({ stderr }) => stderr.includes('[debug] reading the API key from standard input\n'));
    run.child.kill(signal);
    const r = await run.done;
    expect(r.code).toBe(code);
    expect(r.stderr.split('\n')).toContain('Error: login cancelled');
    expect(seen.length).toBe(before);
    expect(existsSync(configFile(h))).toBe(false);
  });
});

// `trigger login` at a pseudo-terminal, answering the prompts as they appear.
describeInPty('login at a pseudo-terminal', () => {
  /** Runs `trigger login` in a pty; `answers` maps each prompt to what is typed once it shows. */
  async function ptyLogin(answers: [string, string][]): Promise<PtyResult & { home: Home }> {
    const h = home();
    return { ...(await runInPty(['login', '--host', host], { env: { ...h, TERM: 'dumb' }, answers })), home: h };
  }

  it('asks for the user name (echoed) and the API key (not echoed), checks them and saves them', async () => {
    const {
      code,
      output,
      home: h,
    } = await ptyLogin([
      ['Username: ', `${USER}\r`],
      ['API key: ', `${APIKEY}\r`],
    ]);
    expect(output).toContain(`Username: ${USER}`);
    expect(output).toContain(`Logged in as ${USER}`);
    expect(output).not.toContain(APIKEY);
    expect(code).toBe(0);
    expect(readConfig(h).profiles?.default).toMatchObject({ user: USER, apikey: APIKEY });
  });

  it('Ctrl-C at the API key prompt cancels: exit 130, one line, no usage hint, nothing saved, nothing echoed', async () => {
    const {
      code,
      output,
      home: h,
    } = await ptyLogin([
      ['Username: ', `${USER}\r`],
      ['API key: ', 'half-typed-key\u0003'],
    ]);
    expect(output).toBe(`Username: ${USER}\r\nAPI key: \r\nError: login cancelled\r\n`);
    expect(code).toBe(130);
    expect(existsSync(configFile(h))).toBe(false);
  });

  it('Ctrl-C at the user name prompt cancels the same way: exit 130, one line on a line of its own, nothing saved', async () => {
    const { code, output, home: h } = await ptyLogin([['Username: ', 'half-typed\u0003']]);
    // The terminal echoes ^C itself, and what was typed unless the interrupt flushed that echo first.
    expect(output).toMatch(/^Username: (half-typed)?\^C\r\nError: login cancelled\r\n$/);
    expect(code).toBe(130);
    expect(existsSync(configFile(h))).toBe(false);
  });

  it('Ctrl-C after the prompts, while the API checks the key, cancels too: exit 130 at once, nothing saved', async () => {
    const server = await startFaultServer();
    server.fallback(hang());
    const h = home();
    try {
      const run = startInPty(['login', '--host', `${server.url}/`], {
        env: { ...h, TERM: 'dumb' },
        answers: [
          ['Username: ', `${USER}\r`],
          ['API key: ', `${APIKEY}\r`],
        ],
      });
      // The check never gets an answer: only the interruption can end the run before its time limit.
      await server.waitForRequest(1);
      run.type('\u0003');
      const { code, output } = await run.done;
      expect(output).toBe(`Username: ${USER}\r\nAPI key: \r\n^C\r\nError: login cancelled\r\n`);
      expect(code).toBe(130);
      expect(existsSync(configFile(h))).toBe(false);
    } finally {
      await server.close();
    }
  });
});
