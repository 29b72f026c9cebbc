// The help screens, rendered by commander from the real command definitions. The build renders them
// once and bakes them into the start-up bundle, so `trigger --help` answers without loading the parser.
import { PassThrough, Readable } from 'node:stream';
import { Context } from './context.js';
import type { HelpIndex } from './help.js';
import { buildProgram, commandsOf, takesValueOf } from './program.js';
import { VERSION } from './version.js';

/** Help of the tool ('') and of every command path, keyed by each name and alias. */
export function renderHelpIndex(): HelpIndex {
  let text = '';
  const out = new PassThrough();
  out.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const io = { stdout: out, stderr: out, stdin: Readable.from([]), isTTY: false, stderrTTY: false, stdinTTY: false, color: false };
  const program = buildProgram(new Context({ io, env: {} }), VERSION);
  const texts: HelpIndex['texts'] = {};
  for (const [path, cmd] of commandsOf(program)) {
    text = '';
    cmd.outputHelp();
    texts[path] = text;
  }
  return { texts, takesValue: [...takesValueOf(program)] };
}
