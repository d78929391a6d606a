import { FAMILIES, openCache } from "@tactus/cache";
import type { Command } from "commander";
import { formatBytes, table } from "../format.js";

export function registerCacheCommands(program: Command): void {
  const cache = program.command("cache").description("inspect the LMDB analysis cache");
  cache
    .command("stats")
    .description("entries and size per key family (beats, onsets, signals, features)")
    .option("--cache-dir <dir>", "cache directory (default: $TACTUS_CACHE_DIR or .cache)")
    .option("--json", "print JSON")
    .action(async (opts: { cacheDir?: string; json?: boolean }) => {
      // Opening without a component list never deletes anything (see @tactus/cache README).
      const store = openCache({ dir: opts.cacheDir, removeStale: false });
      try {
        const stats = store.stats();
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(stats, null, 2)}\n`);
          return;
        }
        const rows = FAMILIES.map((family) => {
          const f = stats.families[family];
          return [family, f.entries, formatBytes(f.bytes)];
        });
        process.stdout.write(
          `cache: ${stats.path}\n${table(["family", "entries", "size"], rows)}\n` +
            `total: ${stats.entries} entries, ${formatBytes(stats.bytes)}` +
            (stats.unparsed ? `, ${stats.unparsed} unreadable keys` : "") +
            "\n",
        );
      } finally {
        await store.close();
      }
    });
}
