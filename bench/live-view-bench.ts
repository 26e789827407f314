/// <reference lib="dom" />
/**
 * The live-view page: its gzipped JavaScript size, and the time from page load to the first
 * decoded live frame (median and max of 10), in headless Chromium against the loopback stand-ins
 * (test/simulation/live-view-harness.ts), signed in already (the session's tokens), the camera
 * named in the URL. Runs in a loopback-only network namespace (`npx projen bench`, as root).
 * Targets (issue "Open a browser and watch"): median <= 0.6 s, page <= 150 KB gzipped.
 */
import * as fs from 'fs';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { LiveViewHarness, requireLoopbackOnly } from '../test/simulation/live-view-harness';

const RUNS = 10;

async function main(): Promise<void> {
  const js = fs.readFileSync(path.join(__dirname, '..', 'assets', 'live-view', 'app.js'));
  const gzipped = gzipSync(js, { level: 9 }).length;
  requireLoopbackOnly();
  const harness = new LiveViewHarness();
  await harness.start();
  try {
    await harness.master(await harness.context(), 'home-smith-porch');
    const page = await (await harness.context()).newPage();
    await harness.signIn(page, 'alice', '#camera=home-smith-porch');
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await page.reload();
      const handle = await page.waitForFunction(() => performance.getEntriesByName('live-view:first-frame')[0]?.startTime, undefined, { timeout: 20_000 })
        .catch(async e => { throw new Error(`${e}: the page says ${await page.locator('#message').textContent()}`); });
      times.push(await handle.jsonValue() as number);
    }
    times.sort((a, b) => a - b);
    const median = (times[RUNS / 2 - 1] + times[RUNS / 2]) / 2;
    console.log('\nLive-view page (headless Chromium, loopback stand-ins)');
    console.log('| measure | value | target |');
    console.log('| --- | --- | --- |');
    console.log(`| page JavaScript, gzipped | ${(gzipped / 1024).toFixed(1)} KB (${(js.length / 1024).toFixed(1)} KB raw) | <= 150 KB |`);
    console.log(`| page load to first decoded frame, median of ${RUNS} | ${(median / 1000).toFixed(3)} s | <= 0.6 s |`);
    console.log(`| page load to first decoded frame, max of ${RUNS} | ${(times[RUNS - 1] / 1000).toFixed(3)} s | |`);
  } finally {
    await harness.stop();
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
