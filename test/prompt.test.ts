// Asking at the terminal (src/prompt.ts): `ask` against a fake TTY made of PassThrough streams, and
// `readAll` on plain streams. The prompts of `trigger login` at a real pseudo-terminal are tested with
// that command, in test/commands/login.test.ts.
import { describe, expect, it } from 'vitest';
import { PassThrough, Readable, Writable } from 'node:stream';
import { Interrupted } from '../src/errors.js';
import { ask, readAll } from '../src/prompt.js';

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
