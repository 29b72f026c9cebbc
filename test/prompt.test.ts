// Asking at the terminal (src/prompt.ts): `ask` against a fake TTY made of PassThrough streams,
// `readAll` on plain streams, and one real pseudo-terminal login driven through script(1).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { UsageError } from '../src/errors.js';
import { ask, readAll } from '../src/prompt.js';
import { tempHome, TRIGGER_BIN } from './helpers/cli.js';
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

  it('rejects on Ctrl-C, with raw mode turned off again and nothing echoed', async () => {
    const input = fakeTty();
    const out = sink();
    const answer = ask(input, out.stream, 'API key: ', true);
    input.write('half-typed\u0003more\r');
    await expect(answer).rejects.toBeInstanceOf(UsageError);
    await expect(answer).rejects.toThrow('cancelled');
    expect(input.rawCalls).toEqual([true, false]);
    expect(out.text()).toBe('API key: \n');
    expect(out.text()).not.toContain('half');
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
describe('login at a pseudo-terminal', () => {
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
  function ptyLogin(answers: [string, string][]): Promise<{ code: number; output: string; home: ReturnType<typeof tempHome> }> {
    const home = tempHome();
    homes.push(home.HOME);
    const command = `'${process.execPath}' '${TRIGGER_BIN}' login --host '${emu.url}/'`;
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: { PATH: process.env.PATH, SHELL: '/bin/sh', TERM: 'dumb', ...home },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    let next = 0;
    let from = 0;
    return new Promise((resolve, reject) => {
      const onOutput = (c: Buffer): void => {
        output += c.toString('utf8');
        while (next < answers.length) {
          const [prompt, typed] = answers[next]!;
          const at = output.indexOf(prompt, from);
          if (at < 0) break;
          from = at + prompt.length;
          child.stdin.write(typed);
          next++;
        }
      };
      child.stdout.on('data', onOutput);
      child.stderr.on('data', onOutput);
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, output, home }));
    });
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

  it('Ctrl-C at the API key prompt cancels: exit 2, nothing saved, nothing echoed', async () => {
    const { code, output, home } = await ptyLogin([
      ['Username: ', `${USER}\r`],
      ['API key: ', 'half-typed-key\u0003'],
    ]);
    expect(output).toContain('Error: cancelled');
    expect(output).not.toContain('half-typed');
    expect(code).toBe(2);
    expect(existsSync(join(home.TRIGGER_CONFIG_DIR, 'config.json'))).toBe(false);
  });
});
