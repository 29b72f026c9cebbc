import type { Context } from '../context.js';
import { outputSpec, printJson, printLines } from '../output/render.js';
import { checkIdentifier, resolveService, resolveTrigger, withTrigger } from '../resolve.js';
import { forEachId } from './many.js';

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
