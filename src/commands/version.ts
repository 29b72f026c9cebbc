import type { Context } from '../context.js';
import { examples } from '../help.js';
import type { Program } from '../program.js';
import { runtime, VERSION } from '../version.js';

/** `trigger version`: what is running, for a bug report, as `gh version` prints it; `--version` stays the bare number. */
export function register(program: Program, ctx: Context): void {
  program
    .command('version')
    .description('Print the versions of trigger and Node.js, and the platform')
    .addHelpText('after', examples(['trigger version', 'trigger --version    # the version alone, for scripts']))
    .action(() => runVersion(ctx));
}

export function runVersion(ctx: Context): void {
  ctx.io.stdout.write(`trigger ${VERSION}\n${runtime()}\n`);
}
