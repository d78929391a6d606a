import { assertKeyPart, type Component, type Family, fingerprint } from "./components.js";

// Key shapes (UTF-8), one per family — ARCHITECTURE.md decision 2:
//   beats:{tracker}:{fp}:{ah}   onsets:{fp}:{ah}   signals:{name}:{fp}:{ah}   features:{group}:{fp}:{ah}

export function beatsKey(tracker: string, fp: string, ah: string): string {
  return named("beats", tracker, fp, ah);
}

export function onsetsKey(fp: string, ah: string): string {
  assertKeyPart("fingerprint", fp);
  assertKeyPart("audio hash", ah);
  return `onsets:${fp}:${ah}`;
}

export function signalsKey(name: string, fp: string, ah: string): string {
  return named("signals", name, fp, ah);
}

export function featuresKey(group: string, fp: string, ah: string): string {
  return named("features", group, fp, ah);
}

function named(family: Family, name: string, fp: string, ah: string): string {
  assertKeyPart(`${family} name`, name);
  assertKeyPart("fingerprint", fp);
  assertKeyPart("audio hash", ah);
  return `${family}:${name}:${fp}:${ah}`;
}

/** The key of `component`'s entry for one audio file, with the component's current fingerprint. */
export function keyFor(component: Component, ah: string): string {
  const fp = fingerprint(component);
  return component.family === "onsets"
    ? onsetsKey(fp, ah)
    : named(component.family, component.name, fp, ah);
}

export interface ParsedKey {
  family: Family;
  /** Tracker, signal or group name; `undefined` for onsets keys, which carry none. */
  name: string | undefined;
  fp: string;
  ah: string;
}

/** Splits a key into its parts; `null` if it has no known family or the wrong number of parts. */
export function parseKey(key: string): ParsedKey | null {
  const parts = key.split(":");
  if (parts.some((part) => part.length === 0)) return null;
  const [family] = parts;
  if (family === "onsets") {
    return parts.length === 3 ? { family, name: undefined, fp: parts[1]!, ah: parts[2]! } : null;
  }
  if (family === "beats" || family === "signals" || family === "features") {
    return parts.length === 4 ? { family, name: parts[1]!, fp: parts[2]!, ah: parts[3]! } : null;
  }
  return null;
}
