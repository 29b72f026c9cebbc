// Trigger UUIDs are secrets: a service UUID plus a trigger UUID is a call URL. Anything logged masks them.

const TRIGGER_UUID_IN_PATH = /(\/trigger\/)([0-9a-f]{4})[0-9a-f-]{32}(?=\/|$|\?)/gi;

export function maskUrl(url: string): string {
  return url.replace(TRIGGER_UUID_IN_PATH, '$1$2…');
}
