// Runs the CLI once: parse, run, print an error once, and map it to the exit code.
import { CommanderError } from 'commander';
import { Context, type ContextDeps } from './context.js';
import { VERSION } from './version.js';
import { exitCodeFor, EXIT, PartialFailure, UsageError } from './errors.js';
import { buildProgram, type CommandError } from './program.js';
import { reportError } from './report.js';

export { processIO } from './io.js';

function usageFromCommander(err: CommandError): UsageError {
  const message = err.message.replace(/^error:\s*/i, '');
  const where = err.command ? `trigger ${err.command}` : 'trigger';
  return new UsageError(message, `Run '${where} --help' for usage.`);
}

export async function main(argv: string[], deps: ContextDeps): Promise<number> {
  const ctx = new Context(deps);
  const program = buildProgram(ctx, VERSION);
  try {
    // Like gh and docker: the tool alone shows its help.
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT.ok;
    }
    // commander answers `trigger typo --help` with the root help; an unknown command is an error first.
    const first = argv[0];
    if (first !== undefined && !first.startsWith('-') && !program.commands.some((c) => c.name() === first || c.aliases().includes(first))) {
      throw new UsageError(`unknown command '${first}'`, "Run 'trigger --help' for usage.");
    }
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.ok;
      if (err.code === 'commander.help' || err.code === 'commander.executeSubCommandAsync') return EXIT.usage;
      err = usageFromCommander(err as CommandError);
    }
    if (!(err instanceof PartialFailure)) reportError(ctx, err);
    return exitCodeFor(err);
  } finally {
    await ctx.dispose();
  }
}
