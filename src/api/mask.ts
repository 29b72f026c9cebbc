// Trigger UUIDs are secrets: a service UUID plus a trigger UUID is a call URL. Anything logged masks them,
// and never shows a URL's user and password.

const TRIGGER_UUID_IN_PATH = /(\/trigger\/)([0-9a-f]{4})[0-9a-f-]{32}(?=\/|$|\?)/gi;
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i;
/** The query of a list of triggers, where a lookup asks for a UUID prefix, or a name that may be one. */
const TRIGGER_LIST_QUERY = /(\/trigger\/\?)([^#]*)/i;
const LOOKUP_PARAM = /(^|&)(uuid|uuid__startswith|name)=([^&]*)/gi;
const UUID_LIKE = /^[0-9a-f-]{9,36}$/i;

/** What a message or a debug line may show of a URL: no user and password, trigger UUIDs (and prefixes) cut to 4 characters. */
export function maskUrl(url: string): string {
  return url
    .replace(USERINFO, '$1')
    .replace(TRIGGER_UUID_IN_PATH, '$1$2…')
    .replace(TRIGGER_LIST_QUERY, (_, path: string, query: string) => path + query.replace(LOOKUP_PARAM, maskLookup));
}

function maskLookup(param: string, sep: string, key: string, value: string): string {
  // A name is cut only when it looks like a UUID prefix longer than a message shows: it may be one.
  const cut = value.length > 4 && (key.toLowerCase() !== 'name' || UUID_LIKE.test(value));
  return cut ? `${sep}${key}=${value.slice(0, 4)}…` : param;
}
