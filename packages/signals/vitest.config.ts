import { defineConfig } from "vitest/config";

// The seeded synthetic-clip evaluations take a few seconds each on two shared cores.
export default defineConfig({ test: { testTimeout: 60_000 } });
