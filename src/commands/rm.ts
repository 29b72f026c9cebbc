import type { Context } from '../context.js';
import { outputSpec, streamPrinter } from '../output/render.js';
import { checkIdentifier, resolveService, resolveTrigger, withTrigger } from '../resolve.js';
import { forEachId, NotStarted } from './many.js';
import { examples, SERVICE_ARG, TRIGGERS_ARG } from '../help.js';
import type { Program } from '../program.js';

function define(program: Program) {
  return program
    .command('rm')
    .alias('remove')
    .description('Remove triggers from a service')
    .argument('<service>', SERVICE_ARG)
    .argument('<trigger...>', TRIGGERS_ARG)
    .option('-q, --quiet', 'print the removed UUIDs only (the default output)')
    .option('--json', 'print the removed UUIDs as a JSON array')
    .addHelpText('after', examples(['trigger rm web deploy-hook', 'trigger rm web 6db5 old-hook']));
}

/** The options of `trigger rm`, typed from their definitions. */
export type RmOptions = ReturnType<ReturnType<typeof define>['opts']>;

export function register(program: Program, ctx: Context): void {
  define(program).action((service, triggers, opts) => runRm(service, triggers, opts, ctx));
}

/**
 * Removes triggers, printing each removed UUID as soon as it and those before it are done. On SIGINT
 * or SIGTERM no further removal starts; those under way finish and are printed.
 */
export async function runRm(serviceId: string, triggerIds: string[], opts: RmOptions, ctx: Context): Promise<void> {
  const spec = outputSpec(opts);
  checkIdentifier('service', serviceId);
  for (const id of triggerIds) checkIdentifier('trigger', id);
  const interrupted = ctx.interruption();
  interrupted.addEventListener('abort', () => {
    ctx.io.stderr.write('Interrupted: no further trigger is removed; those under way finish first (interrupt again to stop at once)\n');
  });
  const api = await ctx.api();
  const service = await resolveService(api, serviceId);
  const printer = streamPrinter(ctx.io, spec.kind === 'json');
  const { finish } = await forEachId(
    ctx,
    triggerIds,
    async (id) => {
      const trigger = await resolveTrigger(api, service, id, false);
      if (interrupted.aborted) throw new NotStarted();
      await withTrigger(api, service, id, () => api.deleteTrigger(service.uuid, trigger.uuid));
      return trigger.uuid;
    },
    { signal: interrupted, emit: (uuid) => printer.add(uuid) },
  );
  printer.end();
  finish();
}
