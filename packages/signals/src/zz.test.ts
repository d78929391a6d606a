import { test } from "vitest";
import { onsetAutocorrelationScores } from "/work/main/packages/signals/src/autocorr.ts";
const FPS = 22050 / 512;
test("x", () => {
  for (const bar of [3, 4, 5, 7]) for (const low of [0.3, 0.1, 0]) {
    const values = new Float32Array(Math.round(20 * FPS));
    for (let k = 0; k * 0.5 < 19.5; k++) values[Math.round(k * 0.5 * FPS)] = k % bar === 0 ? 1 : low;
    console.log(bar, low, JSON.stringify(onsetAutocorrelationScores({ values, fps: FPS }, 0.5)));
  }
});
