import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Absolute path of a committed fixture in packages/audio/fixtures/. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));
}

export function readFixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(fixturePath(name)));
}

/** The signal every fixture holds (see fixtures/make-fixtures.sh). */
export const FIXTURE_TONE = { frequencyHz: 1000, leftPeak: 0.5, rightPeak: 0.25, sampleRate: 44100 } as const;
