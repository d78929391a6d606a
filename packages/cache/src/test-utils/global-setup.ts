import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/**
 * Compiles the package for the child-process helpers (plain .mjs) into node_modules/.test-dist,
 * not dist/, so a test run never rewrites files a concurrent build or dependant is reading.
 * Inside node_modules/ the compiled files still resolve lmdb and xxhash-wasm.
 */
export default function setup(): void {
  const packageRoot = fileURLToPath(new URL("../../", import.meta.url));
  const outDir = fileURLToPath(new URL("../../node_modules/.test-dist/", import.meta.url));
  rmSync(outDir, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const args = ["-p", "tsconfig.build.json", "--outDir", outDir, "--declaration", "false"];
  args.push("--declarationMap", "false", "--sourceMap", "false", "--incremental", "false");
  const result = spawnSync(process.execPath, [tsc, ...args], { cwd: packageRoot, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`compiling @tactus/cache for tests failed:\n${result.stdout}${result.stderr}`);
  }
}
