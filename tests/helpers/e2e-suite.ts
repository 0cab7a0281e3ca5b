/**
 * The set-up most browser tests share: a production server (sample data) and Chromium, started
 * together before a file's or a describe's tests and stopped after them.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, startServer, type TestServer } from './server';

/**
 * Registers beforeAll/afterAll in the calling scope: `ready` gets the server and the browser once
 * both run (and may do more set-up); both are closed after the scope's tests.
 */
export function withServerAndBrowser(
  ready: (server: TestServer, browser: Browser) => void | Promise<void>,
  timeoutMs = 120_000,
): void {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    await ready(server, browser);
  }, timeoutMs);
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });
}
