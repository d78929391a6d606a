import { featuresForFile, tryOpenEngineCache } from "@tactus/engine";
import { FEATURE_LENGTH, formatLayout, LAYOUT_ID, layoutRows } from "@tactus/features";
import type { Command } from "commander";
import { UsageError } from "../fail.js";

interface FeaturesOptions {
  json?: boolean;
  layout?: boolean;
  cache: boolean;
  cacheDir?: string;
}

const VALUES_PER_LINE = 8;

export function registerFeaturesCommand(program: Command): void {
  program
    .command("features [file]")
    .description("the MeterNet input vector of a file, by block; --layout prints the layout table")
    .option("--layout", "print the feature layout table (no file needed)")
    .option("--json", "print JSON {layoutId, length, values}")
    .option("--no-cache", "do not read or write the analysis cache")
    .option("--cache-dir <dir>", "cache directory (default: $TACTUS_CACHE_DIR or .cache)")
    .action(async (file: string | undefined, opts: FeaturesOptions) => {
      if (opts.layout) {
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ layoutId: LAYOUT_ID, length: FEATURE_LENGTH, rows: layoutRows() }, null, 2)}\n`);
        } else process.stdout.write(`${formatLayout()}\n\ntotal: ${FEATURE_LENGTH}\n`);
        if (!file) return;
      }
      if (!file) throw new UsageError("features: give a FILE, or --layout");
      const cache = opts.cache ? tryOpenEngineCache(opts.cacheDir !== undefined ? { dir: opts.cacheDir } : {}) : null;
      try {
        const result = await featuresForFile(file, { cache });
        if (!result.ok) {
          throw new UsageError(`${file}: ${result.reason} (${result.durationSec.toFixed(2)} s): no feature vector`);
        }
        const values = Array.from(result.vector);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ file, layoutId: LAYOUT_ID, length: values.length, values })}\n`);
          return;
        }
        const out = [`${file}: ${values.length} values, layout ${LAYOUT_ID}`];
        let block = "";
        for (const row of layoutRows()) {
          if (row.block !== block) {
            block = row.block;
            out.push("", `[${block}]`);
          }
          out.push(`  ${row.subBlock} [${row.offset}, ${row.offset + row.length}) ${row.description}`);
          for (let i = 0; i < row.length; i += VALUES_PER_LINE) {
            const chunk = values.slice(row.offset + i, row.offset + Math.min(row.length, i + VALUES_PER_LINE));
            out.push(`    ${String(row.offset + i).padStart(4)}  ${chunk.map(formatValue).join(" ")}`);
          }
        }
        process.stdout.write(`${out.join("\n")}\n`);
      } finally {
        await cache?.close();
      }
    });
}

function formatValue(x: number): string {
  const text = Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(2) : x.toFixed(4);
  return text.padStart(10);
}
