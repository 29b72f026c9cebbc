// Asking at the terminal (src/prompt.ts): `ask` against a fake TTY made of PassThrough streams,
// `readAll` on plain streams, and `trigger login` at a real pseudo-terminal driven through script(1):
// answered, and cancelled with Ctrl-C at either prompt or while the key is checked (exit 130).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { Interrupted } from '../src/errors.js';
import { ask, readAll } from '../src/prompt.js';
import { tempHome } from './helpers/cli.js';
import { describeInPty, runInPty, startInPty, type PtyResult } from './helpers/pty.js';
import { hang, startFaultServer } from './helpers/fault-server.js';
import { APIKEY, startEmulator, USER, type RunningEmulator } from './helpers/emulator.js';

type FakeTty = PassThrough & { isTTY: boolean; setRawMode: (raw: boolean) => FakeTty; rawCalls: boolean[] };

/** Standard input of a terminal: isTTY, and setRawMode recording each call. */
function fakeTty(isTTY = true): FakeTty {
  const input = new PassThrough() as FakeTty;
  input.isTTY = isTTY;
  input.rawCalls = [];
  input.setRawMode = (raw: boolean) => {
    input.rawCalls.push(raw);
    return input;
  };
  return input;
}

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('ask', () => {
  it('asks a visible question and answers the typed line, without touching raw mode', async () => {
    const input = fakeTty();
    const out = sink();
    const answer = ask(input, out.stream, 'Username: ');
    input.write('alice\n');
    await expect(answer).resolves.toBe('alice');
    expect(out.text()).toBe('Username: ');
    expect(input.rawCalls).toEqual([]);
  });

  it('reads a hidden answer in raw mode, turned on before typing and off after, and never echoes it', async () => {
    const input = fakeTty();
    const out = sink();
    const answer = ask(input, out.stream, 'API key: ', true);
    expect(input.rawCalls).toEqual([true]);
    input.write('s3cr');
    input.write('et-key\r');
    await expect(answer).resolves.toBe('s3cret-key');
    expect(input.rawCalls).toEqual([true, false]);
    expect(out.text()).toBe('API key: \n');
  });

  it('turns raw mode on before the question shows, so an answer typed as soon as it shows is never echoed', async () => {
    const events: string[] = [];
    const input = fakeTty();
    input.setRawMode = (raw: boolean) => {
      events.push(`setRawMode(${raw})`);
      return input;
    };
    const output = new Writable({
      write(chunk: Buffer, _encoding, done) {
        events.push(`write ${JSON.stringify(chunk.toString('utf8'))}`);
        done();
      },
    });
    const answer = ask(input, output, 'API key: ', true);
    input.write('k\r');
    await expect(answer).resolves.toBe('k');
    expect(events.slice(0, 2)).toEqual(['setRawMode(true)', 'write "API key: "']);
    expect(events).toContain('setRawMode(false)');
  });

  it('handles backspace (DEL and BS) and ignores other control characters', async () => {
    const input = fakeTty();
    const out = sink();
    const answer = ask(input, out.stream, 'API key: ', true);
    // DEL on an empty answer does nothing; 'abc' DEL -> 'ab'; 'd' BS -> 'ab'; ESC and TAB are dropped.
    input.write('\u007fabc\u007fd\b\u001bx\ty\r');
    await expect(answer).resolves.toBe('abxy');
    expect(out.text()).toBe('API key: \n');
  });

  it('rejects on Ctrl-C as an interruption by SIGINT, with raw mode turned off again and nothing echoed', async () => {
    const input = fakeTty();
    const out = sink();
    const answer = ask(input, out.stream, 'API key: ', true);
    input.write('half-typed\u0003more\r');
    await expect(answer).rejects.toBeInstanceOf(Interrupted);
    await expect(answer).rejects.toMatchObject({ message: 'cancelled', signal: 'SIGINT' });
    expect(input.rawCalls).toEqual([true, false]);
    expect(out.text()).toBe('API key: \n');
    expect(out.text()).not.toContain('half');
  });

  it('rejects when the signal aborts (SIGINT or SIGTERM at a visible prompt), ending the line and letting go of the input', async () => {
    for (const name of ['SIGINT', 'SIGTERM'] as const) {
      const input = fakeTty();
      const out = sink();
      const controller = new AbortController();
      const answer = ask(input, out.stream, 'Username: ', false, controller.signal);
      input.write('ali');
      controller.abort(name);
      await expect(answer).rejects.toMatchObject({ message: 'cancelled', signal: name });
      expect(out.text()).toBe('Username: \n');
      expect(input.listenerCount('data')).toBe(0);
      expect(input.isPaused()).toBe(true);
    }
    const aborted = AbortSignal.abort('SIGINT');
    await expect(ask(fakeTty(), sink().stream, 'Username: ', false, aborted)).rejects.toBeInstanceOf(Interrupted);
  });

  it('ends the answer at Ctrl-D or at the end of input', async () => {
    const ctrlD = fakeTty();
    const a = ask(ctrlD, sink().stream, 'API key: ', true);
    ctrlD.write('abc\u0004def');
    await expect(a).resolves.toBe('abc');
    expect(ctrlD.rawCalls).toEqual([true, false]);

    const ending = fakeTty();
    const b = ask(ending, sink().stream, 'Username: ');
    ending.end('bob');
    await expect(b).resolves.toBe('bob');
  });

  it('lets go of the input afterwards: listeners removed, stream paused, so a second question can follow', async () => {
    const input = fakeTty();
    const out = sink();
    const user = ask(input, out.stream, 'Username: ');
    input.write('alice\n');
    await expect(user).resolves.toBe('alice');
    expect(input.listenerCount('data')).toBe(0);
    expect(input.listenerCount('end')).toBe(0);
    expect(input.isPaused()).toBe(true);

    const key = ask(input, out.stream, 'API key: ', true);
    input.write('k-123\r');
    await expect(key).resolves.toBe('k-123');
    expect(out.text()).toBe('Username: API key: \n');
    expect(input.rawCalls).toEqual([true, false]);
  });

  it('does not call setRawMode on an input that is not a terminal', async () => {
    const input = fakeTty(false);
    const out = sink();
    const answer = ask(input, out.stream, 'API key: ', true);
    input.write('piped\n');
    await expect(answer).resolves.toBe('piped');
    expect(input.rawCalls).toEqual([]);
    expect(out.text()).not.toContain('piped');
  });
});

describe('readAll', () => {
  it.each([
    { name: 'one trailing LF', chunks: ['key\n'], want: 'key' },
    { name: 'one trailing CRLF', chunks: ['key\r\n'], want: 'key' },
    { name: 'only one of two line breaks', chunks: ['key\n\n'], want: 'key\n' },
    { name: 'nothing when there is no final line break', chunks: ['two\nlines'], want: 'two\nlines' },
    { name: 'nothing from spaces', chunks: [' key \n'], want: ' key ' },
    { name: 'empty input', chunks: [], want: '' },
  ])('strips $name', async ({ chunks, want }) => {
    await expect(readAll(Readable.from(chunks.map((c) => Buffer.from(c))))).resolves.toBe(want);
  });

  it('joins chunks before decoding, so a character split between them survives', async () => {
    const e = Buffer.from('é\n');
    const input = new PassThrough();
    const all = readAll(input);
    input.write('k');
    input.write(e.subarray(0, 1));
    input.end(e.subarray(1));
    await expect(all).resolves.toBe('ké');
  });
});

// A real terminal: `trigger login` under script(1), answering the prompts as they appear.
describeInPty('login at a pseudo-terminal', () => {
  let emu: RunningEmulator;
  const homes: string[] = [];

  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(async () => {
    await emu.close();
    for (const h of homes) rmSync(h, { recursive: true, force: true });
  });

  /** Runs `trigger login` in a pty; `answers` maps each prompt to what is typed once it shows. */
  async function ptyLogin(answers: [string, string][]): Promise<PtyResult & { home: ReturnType<typeof tempHome> }> {
    const home = tempHome();
    homes.push(home.HOME);
    return { ...(await runInPty(['login', '--host', `${emu.url}/`], { env: { ...home, TERM: 'dumb' }, answers })), home };
  }

  it('asks for the user name (echoed) and the API key (not echoed), checks them and saves them', async () => {
    const { code, output, home } = await ptyLogin([
      ['Username: ', `${USER}\r`],
      ['API key: ', `${APIKEY}\r`],
    ]);
    expect(output).toContain(`Username: ${USER}`);
    expect(output).toContain(`Logged in as ${USER}`);
    expect(output).not.toContain(APIKEY);
    expect(code).toBe(0);
    const saved = JSON.parse(readFileSync(join(home.TRIGGER_CONFIG_DIR, 'config.json'), 'utf8'));
    expect(saved.profiles.default).toMatchObject({ user: USER, apikey: APIKEY });
  });

  it('Ctrl-C at the API key prompt cancels: exit 130, one line, no usage hint, nothing saved, nothing echoed', async () => {
    const { code, output, home } = await ptyLogin([
      ['Username: ', `${USER}\r`],
      ['API key: ', 'half-typed-key\u0003'],
    ]);
    expect(output).toBe(`Username: ${USER}\r\nAPI key: \r\nError: login cancelled\r\n`);
    expect(code).toBe(130);
    expect(existsSync(join(home.TRIGGER_CONFIG_DIR, 'config.json'))).toBe(false);
  });

  it('Ctrl-C at the user name prompt cancels the same way: exit 130, one line on a line of its own, nothing saved', async () => {
    const { code, output, home } = await ptyLogin([['Username: ', 'half-typed\u0003']]);
    // The terminal echoes ^C itself, and what was typed unless the interrupt flushed that echo first.
    expect(output).toMatch(/^Username: (half-typed)?\^C\r\nError: login cancelled\r\n$/);
    expect(code).toBe(130);
    expect(existsSync(join(home.TRIGGER_CONFIG_DIR, 'config.json'))).toBe(false);
  });

  it('Ctrl-C after the prompts, while the API checks the key, cancels too: exit 130 at once, nothing saved', async () => {
    const server = await startFaultServer();
    server.fallback(hang());
    const home = tempHome();
    homes.push(home.HOME);
    try {
      const run = startInPty(['login', '--host', `${server.url}/`], {
        env: { ...home, TERM: 'dumb' },
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
      expect(existsSync(join(home.TRIGGER_CONFIG_DIR, 'config.json'))).toBe(false);
    } finally {
      await server.close();
    }
  });
});
