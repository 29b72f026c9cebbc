// Runs the CLI once: parse, run, print an error once, and map it to the exit code.
import { CommanderError, type Command } from 'commander';
import { Context, type ContextDeps } from './context.js';
import { VERSION } from './version.js';
import { exitCodeFor, EXIT, PartialFailure, UsageError } from './errors.js';
import { buildProgram, type CommandError } from './program.js';
import { reportError } from './report.js';
import { watchOutput } from './io.js';

export { processInterrupts, processIO } from './io.js';

function usageFromCommander(err: CommandError): UsageError {
  const message = err.message.replace(/^error:\s*/i, '');
  const where = err.command ? `trigger ${err.command}` : 'trigger';
  return new UsageError(message, `Run '${where} --help' for usage.`);
}

/**
 * Checks the command before commander sees it: commander prints the root help for a missing command
 * and for `trigger typo --help`, where an error is the right answer.
 */
function checkCommand(argv: string[], program: Command): void {
  const takesValue = new Set(program.options.filter((o) => o.required || o.optional).flatMap((o) => [o.short, o.long]));
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith('-')) i += takesValue.has(argv[i]!.split('=')[0]) && !argv[i]!.includes('=') ? 2 : 1;
  const first = argv[i];
  if (first === undefined) {
    if (!argv.some((a) => ['-h', '--help', '-v', '--version'].includes(a))) {
      throw new UsageError('missing command', "Run 'trigger --help' for usage.");
    }
  } else if (!program.commands.some((c) => c.name() === first || c.aliases().includes(first))) {
    throw new UsageError(`unknown command '${first}'`, "Run 'trigger --help' for usage.");
  }
}

export async function main(argv: string[], deps: ContextDeps): Promise<number> {
  const ctx = new Context(deps);
  const outputFailure = watchOutput(ctx.io.stdout);
  const code = await run(argv, ctx);
  // Output that did not reach stdout is lost: a command that did its work still failed.
  const failure = await outputFailure();
  if (!failure) return code;
  reportError(ctx, failure);
  return code === EXIT.ok ? exitCodeFor(failure) : code;
}

async function run(argv: string[], ctx: Context): Promise<number> {
  const program = buildProgram(ctx, VERSION);
  try {
    // Like gh and docker: the tool alone shows its help.
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT.ok;
    }
    checkCommand(argv, program);
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.ok;
      err = usageFromCommander(err as CommandError);
    }
    // A usage error found by a command points at that command's help.
    if (err instanceof UsageError && !err.hint && ctx.command) err.hint = `Run 'trigger ${ctx.command} --help' for usage.`;
    if (!(err instanceof PartialFailure)) reportError(ctx, err);
    return exitCodeFor(err);
  } finally {
    await ctx.dispose();
  }
}
