// Child process of run.mjs: one cold analysis (fresh cache), then prints its peak RSS as JSON.
//   node rss-child.mjs <clip.wav> <checkpointDir> <cacheDir> <onsetMlpDir>
import { analyzeFile, openEngineCache } from "@tactus/engine";

const [clip, checkpointDir, cacheDir, onsetMlpDir] = process.argv.slice(2);
const cache = openEngineCache({ dir: cacheDir, onsetMlpDir });
const result = await analyzeFile(clip, { cache, checkpointDir, onsetMlpDir });
await cache.close();
// resourceUsage().maxRSS is in kilobytes (KiB).
console.log(JSON.stringify({ maxRSSKiB: process.resourceUsage().maxRSS, totalMs: result.timings.total ?? 0 }));
