// Runs the CLI once: parse, run, print an error once, and map it to the exit code.
import { CommanderError } from '@commander-js/extra-typings';
import { Context, type ContextDeps } from './context.js';
import { VERSION } from './version.js';
import { exitCodeFor, EXIT, PartialFailure, UsageError } from './errors.js';
import { commandWords, helpRequest } from './help.js';
import { buildProgram, commandsOf, takesValueOf, usageError } from './program.js';
import { reportError } from './report.js';

export { processInterrupts, processIO } from './io.js';

const VERSION_FLAGS = ['-v', '--version'];

export async function main(argv: string[], deps: ContextDeps): Promise<number> {
  const ctx = new Context(deps);
  const code = await run(argv, ctx);
  // Output that did not reach stdout is lost: a command that did its work still failed.
  const failure = await ctx.outputWritten();
  if (!failure) return code;
  reportError(ctx, failure);
  return code === EXIT.ok ? exitCodeFor(failure) : code;
}

async function run(argv: string[], ctx: Context): Promise<number> {
  const program = buildProgram(ctx, VERSION);
  const commands = commandsOf(program);
  try {
    const takesValue = takesValueOf(program);
    const help = helpRequest(argv, new Set(commands.keys()), takesValue);
    if (help && !help.parse) {
      commands.get(help.path)!.outputHelp();
      return EXIT.ok;
    }
    const args = help?.parse ?? argv;
    // Options alone: an unknown one is reported as such (by the parser, with a suggestion).
    if (
      commandWords(args, takesValue).length === 0 &&
      !args.some((a) => VERSION_FLAGS.includes(a)) &&
      program.parseOptions(args).unknown.length === 0
    ) {
      throw new UsageError('missing command', "Run 'trigger --help' for usage.");
    }
    await program.parseAsync(args, { from: 'user' });
    return EXIT.ok;
  } catch (thrown) {
    // A usage error stops the parse before the command runs: a --no-color read so far still counts.
    ctx.globals = { color: program.opts().color, ...ctx.globals };
    let err = thrown;
    if (thrown instanceof CommanderError) {
      if (thrown.code === 'commander.helpDisplayed' || thrown.code === 'commander.version') return EXIT.ok;
      err = usageError(thrown, commands.get(ctx.command ?? '')!);
    }
    // A usage error points at the help of the command it is about.
    if (err instanceof UsageError && !err.hint) err.hint = `Run 'trigger${ctx.command ? ` ${ctx.command}` : ''} --help' for usage.`;
    if (!(err instanceof PartialFailure)) reportError(ctx, err);
    return exitCodeFor(err);
  } finally {
    await ctx.dispose();
  }
}
