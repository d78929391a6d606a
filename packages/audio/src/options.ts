/** Merge options over defaults; an option explicitly set to `undefined` keeps its default. */
export function withDefaults<T extends object>(defaults: Required<T>, options: T): Required<T> {
  const merged = { ...defaults };
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}
