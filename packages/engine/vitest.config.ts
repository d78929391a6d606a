import { defineConfig } from "vitest/config";

// Cold analyses of the synthetic clips take a few seconds each on two shared cores.
export default defineConfig({ test: { testTimeout: 120_000, hookTimeout: 120_000 } });
