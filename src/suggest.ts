// "Did you mean ...?": the names closest to a word that matched none, chosen as commander chooses them.

/** Edits that still make a suggestion; fewer than this many. */
const MAX_DISTANCE = 3;
/** The share of the longer of the two that must stay unedited, above which a name is suggested. */
const MIN_SIMILARITY = 0.4;

/** Optimal string alignment distance: insertions, deletions, substitutions, and two neighbours swapped, each one edit. */
export function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > MAX_DISTANCE) return Math.max(a.length, b.length);
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2][j - 2] + 1);
      d[i][j] = best;
    }
  }
  return d[a.length][b.length];
}

const dashes = (word: string): string => /^-{0,2}/.exec(word)![0];

/**
 * How far `word` is from `name`, or undefined when `name` is no suggestion for it. Options are
 * compared without their dashes, and only with options of as many dashes. A name that differs only
 * in case is the closest of all, also a one-letter one (-V for -v); other one-letter names are never
 * guessed.
 */
function distance(word: string, name: string): number | undefined {
  const prefix = dashes(word);
  if (dashes(name) !== prefix) return undefined;
  const [w, n] = [word.slice(prefix.length), name.slice(prefix.length)];
  if (w.toLowerCase() === n.toLowerCase()) return 0;
  if (n.length <= 1) return undefined;
  const edits = editDistance(w, n);
  const longer = Math.max(w.length, n.length);
  return edits < MAX_DISTANCE && (longer - edits) / longer > MIN_SIMILARITY ? edits : undefined;
}

/**
 * The names closest to `word`. `things` holds the names of each thing that could be meant (a command
 * and its aliases, the flags of an option): each is suggested once, by its closest name, the first on
 * a tie ('list' rather than 'ls' for 'lst').
 */
function closest(word: string, things: readonly (readonly string[])[]): string[] {
  return closestThings(word, things).map(({ name }) => name);
}

/** The things closest to `word`, as closest() chooses them: the index of each in `things`, and its closest name. */
export function closestThings(word: string, things: readonly (readonly string[])[]): { index: number; name: string }[] {
  let best = MAX_DISTANCE;
  let found: { index: number; name: string }[] = [];
  things.forEach((names, index) => {
    let mine: { name: string; edits: number } | undefined;
    for (const name of names) {
      const edits = distance(word, name);
      if (edits !== undefined && (!mine || edits < mine.edits)) mine = { name, edits };
    }
    if (!mine || mine.edits > best) return;
    if (mine.edits < best) [best, found] = [mine.edits, []];
    found.push({ index, name: mine.name });
  });
  return found;
}

/** ' (Did you mean list?)', ' (Did you mean one of a, b?)', or '' when nothing is close. */
export function didYouMean(word: string, things: readonly (readonly string[])[]): string {
  const names = closest(word, things);
  if (names.length === 0) return '';
  return ` (Did you mean ${names.length > 1 ? 'one of ' : ''}${names.join(', ')}?)`;
}
