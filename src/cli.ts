import { join } from 'node:path';
import { loadBundle, type LoadedBundle } from './code-cache.js';
import { helpRequest, type HelpIndex } from './help.js';
import { processStdout, watchOutput } from './io.js';
import { VERSION } from './version.js';

declare const TRIGGER_HELP: HelpIndex | undefined;

// A failed write to stdout is reported by the run (src/main.ts), or below for --help and --version;
// one to stderr has nowhere to be reported, and the exit code still says how the command went.
// Without these listeners, either would end the run with a stack trace.
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});

/**
 * Exits as soon as what was written to stdout and stderr has been handed to the system, instead of
 * waiting for the event loop to run dry: closing connections and V8's pending garbage collection
 * took up to 9 ms after a long list was printed.
 */
function exitWhenWritten(code: number): void {
  let streams = 2;
  const written = (): void => {
    if (--streams === 0) process.exit(code);
  };
  process.stdout.write('', written);
  process.stderr.write('', written);
}

const args = process.argv.slice(2);
const baked = typeof TRIGGER_HELP === 'object' ? TRIGGER_HELP : undefined;
// The baked help is 80 columns wide, as help is when not shown on a terminal; a terminal gets help
// fitted to its width, rendered by the parser.
const asked = baked && !process.stdout.isTTY ? helpRequest(args, new Set(Object.keys(baked.texts)), new Set(baked.takesValue)) : undefined;
const help = asked && !asked.parse ? baked!.texts[asked.path] : undefined;
// --version and --help are asked for often (scripts, people); they skip loading the parser.
const text = args.length === 1 && (args[0] === '--version' || args[0] === '-v') ? `${VERSION}\n` : help;
if (text !== undefined) {
  const out = processStdout();
  const written = watchOutput(out);
  out.write(text);
  void written().then((failure) => {
    if (failure) {
      process.stderr.write(`Error: ${failure.message}\n`);
      process.exitCode = 1;
    }
  });
} else {
  // The rest of the CLI is a bundle of its own (dist/main.cjs), loaded with its code cache.
  const file = join(__dirname, 'main.cjs');
  let loaded: LoadedBundle<typeof import('./main.js')> | undefined;
  try {
    loaded = loadBundle(file);
  } catch (err) {
    // Only a damaged installation gets here.
    process.stderr.write(`Error: cannot load ${file}: ${(err as Error).message.split('\n')[0]}\nReinstall the package.\n`);
    process.exitCode = 1;
  }
  if (loaded) {
    const { exports, cache } = loaded;
    const deps = { io: exports.processIO(), interrupts: exports.processInterrupts(), env: process.env, codeCache: cache, bundle: file };
    void exports.main(args, deps).then(exitWhenWritten);
  }
}
