import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("..", import.meta.url));

// Two tiers, both run by `npm test`: fast unit tests beside the code, and integration tests that
// cross process boundaries (Docker, kind, the emulator, the database), run one file at a time.
export default defineConfig({
  test: {
    root,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["kit/src/**/*.test.ts", "kit/src/**/*.test.tsx", "kit/test/**/*.test.ts"],
          exclude: ["**/*.integration.test.ts", "**/node_modules/**"],
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["kit/src/**/*.integration.test.ts", "kit/test/**/*.integration.test.ts"],
          exclude: ["**/node_modules/**"],
          testTimeout: 30 * 60_000,
          hookTimeout: 60 * 60_000,
          fileParallelism: false,
          maxWorkers: 1,
        },
      },
    ],
    reporters: process.env.CI ? ["default", "junit"] : ["default"],
    outputFile: { junit: "test-results/junit.xml" },
  },
});
