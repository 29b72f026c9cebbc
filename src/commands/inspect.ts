import type { Context } from '../context.js';
import { outputSpec, printTriggers, type OutputFlags } from '../output/render.js';
import type { Trigger } from '../api/types.js';
import { checkIdentifier, resolveService, resolveTrigger } from '../resolve.js';
import { forEachId } from './many.js';

export async function runInspect(serviceId: string, triggerIds: string[], opts: OutputFlags, ctx: Context): Promise<void> {
  const spec = outputSpec(opts, undefined, 'json');
  checkIdentifier('service', serviceId);
  for (const id of triggerIds) checkIdentifier('trigger', id);
  const api = await ctx.api();
  const service = await resolveService(api, serviceId);
  const { values, finish } = await forEachId(ctx, triggerIds, (id) => resolveTrigger(api, service, id));
  await printTriggers(ctx.io, spec, values as Trigger[], api.host);
  finish();
}
