import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          environment: "node",
          // Some unit tests spawn the CLI or real tools (restic, pgBackRest): on a loaded 2-core machine
          // vitest's 5 s default fails them for being slow, not wrong.
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          // One shared sandbox: e2e files run one after another, never in parallel.
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 900_000,
          globalSetup: ["test/e2e/global-setup.ts"],
        },
      },
    ],
  },
});
