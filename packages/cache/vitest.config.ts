import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Multi-process tests spawn `node` on .mjs helpers that import the package compiled here.
    globalSetup: ["./src/test-utils/global-setup.ts"],
    testTimeout: 30_000,
  },
});
