// Dates as the API writes them, and as its date filters read them. Every date without a zone is UTC,
// whatever the host's time zone: Date.parse would read `2026-12-01 13:48:39` in local time.

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A date as the API writes it: RFC 1123 with a numeric zone, `Tue, 01 Dec 2026 13:48:39 +0000`. */
export function apiDate(ms: number): string {
  return new Date(ms).toUTCString().replace(/GMT$/, '+0000');
}

// ISO 8601 as Django's parse_date and parse_datetime read it: `T` or a space before the time, seconds
// and up to 6 digits of their fraction optional, a zone `Z`, `+05:30`, `+0530` or `+05`.
const ISO_RE =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.,](\d{1,6})\d*)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
// The API's own form, its day of the week optional, its zone `+0000`, `GMT` or `UTC` optional.
const API_RE = new RegExp(
  `^(?:(${DAYS.join('|')}), )?(\\d{1,2}) (${MONTHS.join('|')}) (\\d{4}) (\\d{2}):(\\d{2}):(\\d{2})(?: ([+-]\\d{4}|GMT|UTC))?$`,
);

/** Minutes east of UTC of a zone written `Z`, `GMT`, `UTC`, `+05:30`, `+0530` or `+05`. */
function zoneMinutes(zone: string | undefined): number {
  if (zone === undefined || /^(Z|GMT|UTC)$/i.test(zone)) return 0;
  const digits = zone.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return zone.startsWith('-') ? -minutes : minutes;
}

/** The time in milliseconds, if every field is in its range (no 30 February, no 24:00). */
function compose(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
  zone: string | undefined,
): number | undefined {
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const back = new Date(t);
  const exact = back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
  return exact ? t - zoneMinutes(zone) * 60_000 : undefined;
}

/**
 * The time a date filter is given, in milliseconds: ISO 8601 (`2026-12-01`, `2026-12-01T13:48:39Z`,
 * `2026-12-01 13:48:39.5`) or the API's form (`Tue, 01 Dec 2026 13:48:39 +0000`); UTC unless it
 * names a zone. Undefined for anything else.
 */
export function parseDate(text: string): number | undefined {
  const iso = ISO_RE.exec(text);
  if (iso) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '0', zone] = iso;
    return compose(+y, +mo, +d, +h, +mi, +s, Math.floor(Number(`0.${fraction}`) * 1000), zone);
  }
  const api = API_RE.exec(text);
  if (!api) return undefined;
  const [, , d, month, y, h, mi, s, zone] = api;
  return compose(+y, MONTHS.indexOf(month) + 1, +d, +h, +mi, +s, 0, zone);
}
