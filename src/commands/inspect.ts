import type { Context } from '../context.js';
import { jsonOption, outputSpec, printTriggers, TRIGGER_FIELDS } from '../output/render.js';
import type { Trigger } from '../api/types.js';
import { checkIdentifier, resolveService, resolveTrigger } from '../resolve.js';
import { forEachId } from './many.js';
import { examples, SERVICE_ARG, TRIGGERS_ARG } from '../help.js';
import { FORMAT_HELP } from '../output/render.js';
import type { Program } from '../program.js';

function define(program: Program) {
  return program
    .command('inspect')
    .description('Show triggers in full, as a JSON array')
    .argument('<service>', SERVICE_ARG)
    .argument('<trigger...>', TRIGGERS_ARG)
    .addOption(jsonOption('print JSON (the default)', TRIGGER_FIELDS))
    .option('--format <template>', FORMAT_HELP)
    .addHelpText('after', examples(['trigger inspect web deploy-hook', 'trigger inspect web 6db5 scale-hook']));
}

/** The options of `trigger inspect`, typed from their definitions. */
export type InspectOptions = ReturnType<ReturnType<typeof define>['opts']>;

export function register(program: Program, ctx: Context): void {
  define(program).action((service, triggers, opts) => runInspect(service, triggers, opts, ctx));
}

export async function runInspect(serviceId: string, triggerIds: string[], opts: InspectOptions, ctx: Context): Promise<void> {
  const spec = outputSpec(opts, undefined, 'json');
  checkIdentifier('service', serviceId);
  for (const id of triggerIds) checkIdentifier('trigger', id);
  const api = await ctx.api();
  const service = await resolveService(api, serviceId);
  const { values, finish } = await forEachId(ctx, triggerIds, (id) => resolveTrigger(api, service, id));
  await printTriggers(ctx.io, spec, values as Trigger[], api.host);
  finish();
}
