/**
 * The known key a misspelt one probably meant, for the messages that name an unknown key in the
 * policy file and in settings.json.
 */

/** The known key closest to `key` in edits (case aside), if it is close enough to be meant. */
export function nearest(key: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestCost = Infinity;
  for (const candidate of known) {
    const cost = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (cost < bestCost) [best, bestCost] = [candidate, cost];
  }
  return best !== null && bestCost <= Math.max(2, Math.floor(best.length / 3)) ? best : null;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(
        row[j]! + 1,
        next[j - 1]! + 1,
        row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    row = next;
  }
  return row[b.length]!;
}
