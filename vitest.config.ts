import {defineConfig} from 'vitest/config';

// Three groups, run in this order:
//  - unit: parsers, pure logic and views, from captured fixtures; no Docker needed.
//  - docker: integration and end-to-end tests against the real engine, one file at a time,
//    because they share the host's network namespace, its ports and the daemon.
//  - disruptive: tests that stop and start dockerd; they run last so nothing else is in flight.
export default defineConfig({
  test: {
    fileParallelism: false,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.{ts,tsx}'],
          sequence: {groupOrder: 0},
        },
      },
      {
        test: {
          name: 'docker',
          include: ['test/integration/**/*.test.{ts,tsx}', 'test/e2e/**/*.test.{ts,tsx}'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          sequence: {groupOrder: 1},
        },
      },
      {
        test: {
          name: 'disruptive',
          include: ['test/disruptive/**/*.test.{ts,tsx}'],
          testTimeout: 240_000,
          hookTimeout: 120_000,
          sequence: {groupOrder: 2},
        },
      },
    ],
  },
});
