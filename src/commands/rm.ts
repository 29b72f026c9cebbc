import type { Context } from '../context.js';
import { Interrupted } from '../errors.js';
import { outputSpec, streamPrinter } from '../output/render.js';
import { resolveTriggerUuid, triggerArgs, triggerTargets, withTrigger } from '../resolve.js';
import { forEachId, NotStarted } from '../bulk.js';
import { EXAMPLE_URL, examples, SERVICE_OR_URL_ARG, TRIGGERS_ARG } from '../help.js';
import type { Program } from '../program.js';

function define(program: Program) {
  return program
    .command('rm')
    .alias('remove')
    .description('Remove triggers from a service')
    .usage('[options] <service> <trigger...> | <trigger-url...>')
    .argument('<service|url>', SERVICE_OR_URL_ARG)
    .argument('[trigger...]', TRIGGERS_ARG)
    .option('-q, --quiet', 'print the removed UUIDs only (the default output)')
    .option('--json', 'print the removed UUIDs as a JSON array')
    .addHelpText('after', examples(['trigger rm web deploy-hook', 'trigger rm web 6db5 old-hook', `trigger rm ${EXAMPLE_URL}`]));
}

/** The options of `trigger rm`, typed from their definitions. */
export type RmOptions = ReturnType<ReturnType<typeof define>['opts']>;

export function register(program: Program, ctx: Context): void {
  define(program).action((first, rest, opts) => runRm(first, rest, opts, ctx));
}

const USAGE = "use 'trigger rm <service> <trigger>...' or 'trigger rm <trigger-url>...'";

/**
 * Removes triggers, printing each removed UUID as soon as it and those before it are done. On SIGINT
 * or SIGTERM no further removal starts; those under way finish and are printed. A second signal stops
 * at once, saying how many removals were under way and how many triggers were left untouched.
 */
export async function runRm(first: string, rest: string[], opts: RmOptions, ctx: Context): Promise<void> {
  const spec = outputSpec(opts);
  const args = triggerArgs(first, rest, () => ctx.settings().host, USAGE);
  // Removals sent and not answered yet, and triggers done with (removed, or failed and reported).
  let removing = 0;
  let done = 0;
  const total = 'urls' in args ? args.urls.length : args.triggers.length;
  const interrupted = ctx.interruption((signal) => {
    const underWay = `${removing} ${removing === 1 ? 'removal was' : 'removals were'} under way, their outcome unknown`;
    return new Interrupted(
      `stopped at once by ${signal}: ${underWay}; ${total - done - removing} of ${total} triggers left untouched`,
      signal,
    );
  });
  interrupted.addEventListener('abort', () => {
    ctx.io.stderr.write('Interrupted: no further trigger is removed; those under way finish first (interrupt again to stop at once)\n');
  });
  const api = await ctx.api();
  const targets = await triggerTargets(api, args);
  const printer = streamPrinter(ctx.io, spec.kind === 'json');
  const remove = async (t: (typeof targets)[number]): Promise<string> => {
    const uuid = await resolveTriggerUuid(t.api, t.service, t.id);
    if (interrupted.aborted) throw new NotStarted();
    removing++;
    try {
      await withTrigger(t.api, t.service, t.id, () => t.api.deleteTrigger(t.service.uuid, uuid));
    } finally {
      removing--;
    }
    return uuid;
  };
  const { finish } = await forEachId(
    ctx,
    targets,
    async (t) => {
      try {
        const uuid = await remove(t);
        done++;
        return uuid;
      } catch (err) {
        if (!(err instanceof NotStarted)) done++;
        throw err;
      }
    },
    { signal: interrupted, emit: (uuid) => printer.add(uuid) },
  );
  printer.end();
  finish();
}
