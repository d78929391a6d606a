/** Beat groupings (additive meters): how a bar of `numerator` beats splits into groups of 2, 3 or 4. */

/**
 * The grouping most music in this meter uses: 4 → 2+2, 5 → 3+2, 7 → 2+2+3, 9 → 3+3+3,
 * 11 → 3+3+3+2; other numerators split into 2s (x/4) or 3s then 2s (x/8).
 */
export function defaultGrouping(numerator: number, denominator: number): number[] {
  switch (numerator) {
    case 1:
    case 2:
    case 3:
      return [numerator];
    case 4:
      return [2, 2];
    case 5:
      return [3, 2];
    case 7:
      return [2, 2, 3];
    case 9:
      return [3, 3, 3];
    case 11:
      return [3, 3, 3, 2];
  }
  if (denominator <= 4) {
    const groups = new Array<number>(Math.floor(numerator / 2)).fill(2);
    if (numerator % 2 === 1) groups[groups.length - 1] = 3;
    return groups;
  }
  const groups: number[] = [];
  let left = numerator;
  while (left > 0) {
    const next = left === 4 ? 2 : Math.min(3, left);
    groups.push(next);
    left -= next;
  }
  return groups;
}

/** 1-based beat positions where each group starts, e.g. [2,2,3] → [1,3,5]. */
export function groupStartPositions(grouping: readonly number[]): number[] {
  const starts: number[] = [];
  let position = 1;
  for (const length of grouping) {
    starts.push(position);
    position += length;
  }
  return starts;
}

/** "2+2+3" ↔ [2,2,3]. */
export function formatGrouping(grouping: readonly number[]): string {
  return grouping.join("+");
}

/** Parse "2+2+3"; returns undefined when the text is not a `+`-separated list of positive integers. */
export function parseGrouping(text: string): number[] | undefined {
  const parts = text.trim().split("+");
  const groups = parts.map((p) => (/^\d+$/.test(p.trim()) ? Number(p.trim()) : Number.NaN));
  return groups.every((g) => Number.isInteger(g) && g > 0) ? groups : undefined;
}

/** Why a grouping does not fit a numerator, or undefined when it does. */
export function groupingProblem(grouping: readonly number[], numerator: number): string | undefined {
  if (grouping.length === 0) return "grouping is empty";
  if (!grouping.every((g) => Number.isInteger(g) && g >= 1)) return "groups must be positive integers";
  const sum = grouping.reduce((a, b) => a + b, 0);
  if (sum !== numerator) return `groups sum to ${sum}, not to the numerator ${numerator}`;
  return undefined;
}
