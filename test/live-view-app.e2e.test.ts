/// <reference lib="dom" />
/**
 * The live-view app end to end, in headless Chromium: the shipped page (assets/live-view) against
 * loopback stand-ins for Cognito, Kinesis Video (control plane, signaling with the official
 * client, storage session, HLS) and S3, whose every decision is the synthesized IAM policy,
 * simulated; a fake-camera master page. Runs in a network namespace with only `lo` up
 * (`npx projen test:e2e`: unshare -n, as root), and fails on any ICE candidate but 127.0.0.1.
 */
import * as fs from 'fs';
import * as path from 'path';
import { BrowserContext, Page } from 'playwright-core';
import { decodedFrames, LiveViewHarness, requireLoopbackOnly } from './simulation/live-view-harness';

jest.setTimeout(120_000);

/** Where the live view's screenshot goes (the README's: LIVE_VIEW_SCREENSHOT=docs/images/live-view.png). */
const SCREENSHOT = process.env.LIVE_VIEW_SCREENSHOT ?? path.join('test-reports', 'live-view.png');

describe('LiveViewApp in a browser', () => {
  let harness: LiveViewHarness;
  let cameraSide: BrowserContext;
  let alice: Page;

  beforeAll(async () => {
    requireLoopbackOnly();
    harness = new LiveViewHarness({ offlineTimeoutSeconds: 3 });
    await harness.start();
    cameraSide = await harness.context();
    const master = await harness.master(cameraSide, 'home-smith-porch');
    // the recording the HLS stand-in serves: three seconds of the fake camera
    harness.standIns.clip = Buffer.from(await master.evaluate(() => (window as unknown as { recordClip(ms: number): Promise<string> }).recordClip(3000)), 'base64');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  const message = (page: Page) => page.locator('#message');

  test('signed out, the page says so and offers to sign in', async () => {
    const page = await (await harness.context()).newPage();
    await page.goto(harness.pageUrl);
    await expectText(message(page), /You are signed out/);
    expect(await page.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
  });

  test('a user of group smith signs in and sees exactly the smith cameras', async () => {
    alice = await (await harness.context()).newPage();
    await harness.signIn(alice, 'alice');
    await expectText(message(alice), /2 cameras/);
    const names = await alice.getByRole('navigation', { name: 'Your cameras' }).getByRole('link').allTextContents();
    expect(names.sort()).toEqual(['home-smith-garden', 'home-smith-porch']);
    expect(names.sort()).toEqual([...harness.directory.smith].sort());
    // no password in any URL the browser visited
    expect(alice.url()).not.toContain('password');
  });

  test('live view: at least 30 frames decoded from the fake camera, through the storage session', async () => {
    await alice.getByRole('link', { name: 'home-smith-porch' }).click();
    await alice.waitForFunction(() => (document.getElementById('live') as HTMLVideoElement).getVideoPlaybackQuality().totalVideoFrames >= 30,
      undefined, { timeout: 20_000 });
    await expectText(message(alice), /Live: home-smith-porch/);
    expect(await alice.evaluate(() => (document.getElementById('live') as HTMLVideoElement).srcObject instanceof MediaStream
      && ((document.getElementById('live') as HTMLVideoElement).srcObject as MediaStream).getAudioTracks().length)).toBe(1);
    const aliceCalls = harness.standIns.calls.filter(c => c.user === 'alice');
    expect(aliceCalls.filter(c => !c.allowed)).toEqual([]);
    expect(new Set(aliceCalls.map(c => c.action))).toEqual(new Set([
      's3:GetObject',
      'kinesisvideo:DescribeSignalingChannel',
      'kinesisvideo:DescribeMediaStorageConfiguration',
      'kinesisvideo:GetSignalingChannelEndpoint',
      'kinesisvideo:GetIceServerConfig',
      'kinesisvideo:ConnectAsViewer',
      'kinesisvideo:JoinStorageSessionAsViewer',
    ]));
    await alice.screenshot({ path: SCREENSHOT });
  });

  test('a dropped signaling connection recovers: the page reconnects and frames flow again', async () => {
    const viewersBefore = harness.standIns.connections.VIEWER;
    expect(harness.standIns.dropViewers()).toBe(1);
    await expectText(message(alice), /Reconnecting|dropped/);
    await alice.waitForFunction(() => document.getElementById('message')!.textContent!.startsWith('Live:'), undefined, { timeout: 20_000 });
    expect(harness.standIns.connections.VIEWER).toBe(viewersBefore + 1);
    const frames = await decodedFrames(alice);
    await alice.waitForFunction(n => (document.getElementById('live') as HTMLVideoElement).getVideoPlaybackQuality().totalVideoFrames >= n + 30,
      frames, { timeout: 20_000 });
  });

  test('playback of the recording with HLS', async () => {
    await alice.getByRole('button', { name: 'Play latest recording' }).click();
    await expectText(message(alice), /Playing the live recording of home-smith-porch/);
    await alice.waitForFunction(() => {
      const v = document.getElementById('playback') as HTMLVideoElement;
      return v.getVideoPlaybackQuality().totalVideoFrames >= 10 && v.currentTime > 0.3;
    }, undefined, { timeout: 20_000 });
    expect(harness.standIns.calls.filter(c => c.user === 'alice' && c.action === 'kinesisvideo:GetHLSStreamingSessionURL' && c.allowed)).toHaveLength(1);
  });

  test('playback on demand from a chosen time', async () => {
    await alice.getByLabel('Play the recording from').fill('2026-01-02T03:04:05');
    await alice.getByRole('button', { name: 'Play recording', exact: true }).click();
    await expectText(message(alice), /Playing the recording from 2026-01-02T03:04:05 of home-smith-porch/);
    await alice.waitForFunction(() => (document.getElementById('playback') as HTMLVideoElement).currentTime > 0.3, undefined, { timeout: 20_000 });
    const requests = harness.standIns.hlsRequests;
    expect(requests[requests.length - 1]).toMatchObject({
      PlaybackMode: 'ON_DEMAND',
      HLSFragmentSelector: { FragmentSelectorType: 'PRODUCER_TIMESTAMP', TimestampRange: { StartTimestamp: new Date('2026-01-02T03:04:05').getTime() / 1000 } },
    });
  });

  test('a camera whose master is not connected is reported offline', async () => {
    await alice.getByRole('link', { name: 'home-smith-garden' }).click();
    await expectText(message(alice), /Camera home-smith-garden is offline/, 10_000);
  });

  test('a user of group jones sees only the jones camera, and is refused a smith camera by IAM', async () => {
    const bob = await (await harness.context()).newPage();
    await harness.signIn(bob, 'bob');
    await expectText(message(bob), /1 camera\b/);
    expect(await bob.getByRole('navigation', { name: 'Your cameras' }).getByRole('link').allTextContents()).toEqual(['home-jones-porch']);
    // a shared link to a smith camera
    await bob.goto(`${harness.pageUrl}#camera=home-smith-porch`);
    await expectText(message(bob), /Access refused/);
    const refused = harness.standIns.calls.filter(c => c.user === 'bob' && !c.allowed);
    expect(refused.map(c => c.action)).toEqual(['kinesisvideo:DescribeSignalingChannel']);
    expect(refused[0].resource).toBe(harness.cameras.find(c => c.name === 'home-smith-porch')!.channelArn);
    // nor can bob read the smith directory object
    const reads = harness.standIns.calls.filter(c => c.user === 'bob' && c.action === 's3:GetObject');
    expect(reads.length).toBeGreaterThan(0);
    expect(new Set(reads.map(c => `${c.resource.split('/').pop()} ${c.allowed}`))).toEqual(new Set(['jones.json true']));
  });

  test('a user in no access group is told there are no cameras', async () => {
    const carol = await (await harness.context()).newPage();
    await harness.signIn(carol, 'carol');
    await expectText(message(carol), /no access group/);
  });

  test('a user whose group has no camera is told so', async () => {
    const dave = await (await harness.context()).newPage();
    await harness.signIn(dave, 'dave');
    await expectText(message(dave), /There are no cameras in your access group/);
    expect(harness.standIns.calls.filter(c => c.user === 'dave').map(c => [c.action, c.resource.split('/').pop(), c.allowed]))
      .toEqual([['s3:GetObject', 'garage.json', true]]);
  });

  test('keyboard and screen readers: every control is labelled, and a camera opens from the keyboard', async () => {
    const page = await (await harness.context()).newPage();
    await harness.signIn(page, 'bob');
    await expectText(message(page), /1 camera\b/);
    const unlabelled = await page.evaluate(() => [
      ...[...document.querySelectorAll('input')].filter(i => i.labels === null || i.labels.length === 0).map(i => `input#${i.id}`),
      ...[...document.querySelectorAll('button')].filter(b => b.textContent!.trim() === '' && !b.getAttribute('aria-label')).map(b => `button#${b.id}`),
      ...[...document.querySelectorAll('video')].filter(v => !v.getAttribute('aria-label')).map(v => `video#${v.id}`),
    ]);
    expect(unlabelled).toEqual([]);
    for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement?.textContent)) !== 'home-jones-porch'; i++) {
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    await page.waitForURL(/#camera=home-jones-porch$/);
    await expectText(message(page), /home-jones-porch/);
  });

  test('nothing left loopback: every candidate gathered and relayed is 127.0.0.1; every signature verified', () => {
    expect(harness.candidates.length).toBeGreaterThan(0);
    const addresses = harness.candidates.map(c => /candidate:\S+ \d+ \S+ \d+ (\S+) \d+/.exec(c.split(': ').slice(1).join(': '))?.[1]);
    expect(addresses.filter(a => a !== '127.0.0.1')).toEqual([]);
    expect(harness.standIns.relayedAddresses().filter(a => a !== '127.0.0.1' && a !== '0.0.0.0')).toEqual([]);
    expect(harness.standIns.badSignatures).toEqual([]);
  });

  test('the page ran under the app\'s strict Content-Security-Policy without a violation', async () => {
    const csp = (await fetch(harness.pageUrl)).headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'");
    expect(csp).toContain(`connect-src 'self' ${harness.standIns.url} ${harness.standIns.url} ${harness.standIns.url.replace('https', 'wss')} `);
    expect(harness.cspViolations).toEqual([]);
  });

  test('a violation would have been seen: an image from elsewhere is blocked and reported', async () => {
    const before = harness.cspViolations.length;
    await alice.evaluate(() => {
      const img = document.createElement('img');
      img.src = 'https://192.0.2.1/pixel.png';
      document.body.append(img);
    });
    await alice.waitForTimeout(500);
    expect(harness.cspViolations.slice(before).map(v => v.split(': ').slice(1).join(': '))).toEqual(['img-src https://192.0.2.1/pixel.png']);
  });

  test('the screenshot of the live view is a PNG', () => {
    expect(fs.readFileSync(path.resolve(SCREENSHOT)).subarray(1, 4).toString()).toBe('PNG');
  });
});

async function expectText(locator: import('playwright-core').Locator, pattern: RegExp, timeout = 15_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let text = '';
  while (Date.now() < deadline) {
    text = (await locator.textContent()) ?? '';
    if (pattern.test(text)) return;
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  throw new Error(`expected ${pattern}, the page says ${JSON.stringify(text)}`);
}
