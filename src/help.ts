// The help screens, rendered by commander from the real command definitions. The build renders them
// once and bakes them into the bundle, so `trigger --help` answers without loading the parser.
import { PassThrough, Readable } from 'node:stream';
import { Context } from './context.js';
import { buildProgram } from './program.js';
import { VERSION } from './version.js';

import type { HelpTexts } from './help-request.js';

/** Help of the root ('') and of every command, keyed by each name and alias. */
export function renderHelpTexts(): HelpTexts {
  let text = '';
  const out = new PassThrough();
  out.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const io = { stdout: out, stderr: out, stdin: Readable.from([]), isTTY: false, stderrTTY: false, stdinTTY: false, color: false };
  const program = buildProgram(new Context({ io, env: {} }), VERSION);
  const render = (cmd: typeof program): string => {
    text = '';
    cmd.outputHelp();
    return text;
  };
  const texts: HelpTexts = { '': render(program) };
  for (const cmd of program.commands) {
    const help = render(cmd);
    for (const name of [cmd.name(), ...cmd.aliases()]) texts[name] = help;
  }
  return texts;
}
