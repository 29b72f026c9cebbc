// Asking at the terminal: a line of text, or a secret that is not echoed.
import { addAbortSignal, type Readable, type Writable } from 'node:stream';
import { interruptOf, Interrupted } from './errors.js';

type TtyIn = Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => void };

/**
 * Reads one line from `input`; with `hidden`, typed characters are not echoed. Ctrl-C (typed while
 * hidden, or as SIGINT through `signal` otherwise) rejects with Interrupted, as does SIGTERM.
 */
export function ask(input: TtyIn, output: Writable, question: string, hidden = false, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    // Echo goes off before the question shows, so nothing typed in reply can appear on screen.
    const raw = hidden && input.isTTY && typeof input.setRawMode === 'function';
    if (raw) input.setRawMode!(true);
    output.write(question);
    const finish = (err?: Error): void => {
      input.off('data', onData);
      input.off('end', onEnd);
      signal?.removeEventListener('abort', onAbort);
      if (raw) input.setRawMode!(false);
      input.pause();
      // Whatever follows starts on a line of its own.
      if (hidden || err) output.write('\n');
      if (err) reject(err);
      else resolve(answer);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003') return finish(new Interrupted('cancelled', 'SIGINT'));
        if (ch === '\u0004') return finish();
        if (ch === '\u007f' || ch === '\b') answer = answer.slice(0, -1);
        else if (ch >= ' ') answer += ch;
      }
    };
    const onEnd = (): void => finish();
    const onAbort = (): void => finish(new Interrupted('cancelled', interruptOf(signal!)));
    if (signal?.aborted) return onAbort();
    input.on('data', onData);
    input.on('end', onEnd);
    signal?.addEventListener('abort', onAbort, { once: true });
    input.resume();
  });
}

export interface ReadOptions {
  /** The most bytes to read: past it, reading stops (`yes |` is not read on) and `error()` is thrown. */
  max?: { bytes: number; error: () => Error };
  /** Once aborted (SIGINT, SIGTERM), reading stops and rejects with Interrupted, as `ask` does. */
  signal?: AbortSignal;
}

/** Every byte of `input` (`call --data -`, a file), within the limits of `options`. */
export async function readBytes(input: Readable, { max, signal }: ReadOptions = {}): Promise<Buffer> {
  // An abort destroys the stream, which ends the loop below with an error.
  if (signal) addAbortSignal(signal, input);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of input) {
      const bytes = Buffer.from(chunk as Buffer);
      size += bytes.length;
      // Leaving the loop closes the stream.
      if (max && size > max.bytes) throw max.error();
      chunks.push(bytes);
    }
  } catch (err) {
    if (signal?.aborted) throw new Interrupted('cancelled', interruptOf(signal));
    throw err;
  }
  return Buffer.concat(chunks, size);
}

/** Everything on standard input, without the final line break (`--password-stdin`). */
export async function readAll(input: Readable, options?: ReadOptions): Promise<string> {
  return (await readBytes(input, options)).toString('utf8').replace(/\r?\n$/, '');
}
