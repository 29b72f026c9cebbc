import type { Context } from '../context.js';
import { outputSpec, printJson, printLines } from '../output/render.js';
import { checkIdentifier, resolveService, resolveTrigger, withTrigger } from '../resolve.js';
import { forEachId } from './many.js';
import { examples, SERVICE_ARG, TRIGGERS_ARG } from '../help.js';
import type { Program } from '../program.js';

export function register(program: Program, ctx: Context): void {
  program
    .command('rm')
    .alias('remove')
    .description('Remove triggers from a service')
    .argument('<service>', SERVICE_ARG)
    .argument('<trigger...>', TRIGGERS_ARG)
    .option('-q, --quiet', 'print the removed UUIDs only (the default output)')
    .option('--json', 'print the removed UUIDs as a JSON array')
    .addHelpText('after', examples(['trigger rm web deploy-hook', 'trigger rm web 6db5 old-hook']))
    .action((service, triggers, opts) => runRm(service, triggers, opts, ctx));
}

export interface RmOptions {
  quiet?: boolean;
  json?: boolean;
}

export async function runRm(serviceId: string, triggerIds: string[], opts: RmOptions, ctx: Context): Promise<void> {
  const spec = outputSpec(opts);
  checkIdentifier('service', serviceId);
  for (const id of triggerIds) checkIdentifier('trigger', id);
  const api = await ctx.api();
  const service = await resolveService(api, serviceId);
  const { values, finish } = await forEachId(ctx, triggerIds, async (id) => {
    const trigger = await resolveTrigger(api, service, id, false);
    await withTrigger(api, service, id, () => api.deleteTrigger(service.uuid, trigger.uuid));
    return trigger.uuid;
  });
  if (spec.kind === 'json') printJson(ctx.io, values);
  else printLines(ctx.io, values);
  finish();
}
