import type { Context } from '../context.js';
import { printJson } from '../output/render.js';
import { resolveService, resolveTrigger } from '../resolve.js';
import { checkIdentifier } from '../resolve.js';
import { forEachId } from './many.js';

export async function runInspect(serviceId: string, triggerIds: string[], ctx: Context): Promise<void> {
  checkIdentifier('service', serviceId);
  for (const id of triggerIds) checkIdentifier('trigger', id);
  const api = await ctx.api();
  const service = await resolveService(api, serviceId);
  const { values, finish } = await forEachId(ctx, triggerIds, (id) => resolveTrigger(api, service, id));
  printJson(ctx.io, values);
  finish();
}
