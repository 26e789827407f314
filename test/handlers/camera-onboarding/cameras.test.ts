/**
 * The Kinesis Video side of a run-time camera against the control-plane stand-in
 * (test/simulation/kvs-control-plane-stand-in: quotas, CREATING, DELETING, tags, the worker role's
 * IAM decisions): made and linked; refused when a name belongs to someone else; and undone
 * without leaving a channel or a stream this attempt made.
 */
import { KinesisVideoClient } from '@aws-sdk/client-kinesis-video';
import { Cameras, CameraSettings, RefusedError } from '../../../src/handlers/camera-onboarding/cameras';
import { DeadlineBoundCaller } from '../../../src/handlers/shared/retry';
import { FLEET_TAG_KEY, ONBOARDING_TAG_KEY } from '../../../src/private/tags-and-quotas';
import { KvsControlPlaneStandIn } from '../../simulation/kvs-control-plane-stand-in';

const FLEET_TAG = [FLEET_TAG_KEY, 'Shop/fleet'] as const;
const ONBOARDING_TAG = [ONBOARDING_TAG_KEY, 'Shop/onboarding'] as const;
const SETTINGS: CameraSettings = {
  fleetTagKey: FLEET_TAG[0],
  fleetId: FLEET_TAG[1],
  onboardingTagKey: ONBOARDING_TAG[0],
  onboardingId: ONBOARDING_TAG[1],
  messageTtlSeconds: 60,
  retentionHours: 24,
  mediaType: 'video/h264,audio/aac',
  deleteStream: false,
};
const timing = { baseDelayMs: 20, maxDelayMs: 100, requestTimeoutMs: 2_000 };

let kvs: KvsControlPlaneStandIn;
let client: KinesisVideoClient;
const cameras = (settings: Partial<CameraSettings> = {}) =>
  new Cameras(client, new DeadlineBoundCaller({ timing, deadline: Date.now() + 30_000 }), { ...SETTINGS, ...settings });
const ours = (kind: 'channel' | 'stream') => kvs.live(kind).filter((r) => r.tags[ONBOARDING_TAG[0]] === ONBOARDING_TAG[1]).map((r) => r.name);

beforeEach(async () => {
  kvs = new KvsControlPlaneStandIn({ prefix: 'shop-', fleetTag: FLEET_TAG, onboardingTag: ONBOARDING_TAG }, 50, 100);
  client = new KinesisVideoClient({
    endpoint: await kvs.start(),
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  jest.spyOn(console, 'log').mockImplementation(() => {});
});
afterEach(async () => {
  client.destroy();
  await kvs.stop();
});

test('onboard: channel and stream made with the tags, ACTIVE, linked; created says what this attempt made', async () => {
  const created = new Set<'channel' | 'stream'>();
  const made = await cameras().onboard('shop-1', {}, created);
  expect([...created].sort()).toEqual(['channel', 'stream']);
  expect(kvs.links.linkOf(made.channelArn)).toBe(made.streamArn);
  expect(ours('channel')).toEqual(['shop-1']);
  expect(ours('stream')).toEqual(['shop-1']);
  // again (a duplicate delivery): found, nothing made
  const again = new Set<'channel' | 'stream'>();
  expect(await cameras().onboard('shop-1', {}, again)).toEqual(made);
  expect(again.size).toBe(0);
});

test('a stream name owned by another fleet: refused after the channel was made; undo leaves no channel and no stream of ours', async () => {
  kvs.addStream('shop-taken', { [FLEET_TAG[0]]: 'Shop/annex' });
  const created = new Set<'channel' | 'stream'>();
  const error = await cameras().onboard('shop-taken', {}, created).catch((e) => e);
  expect(error).toBeInstanceOf(RefusedError);
  expect(error.message).toMatch(/taken by a video stream outside this fleet/);
  expect([...created]).toEqual(['channel']);
  expect(ours('channel')).toEqual(['shop-taken']);

  await cameras().undo('shop-taken', created);
  expect(ours('channel')).toEqual([]);
  expect(ours('stream')).toEqual([]);
  // the other fleet's stream is untouched
  expect(kvs.find('stream', 'shop-taken')?.tags[FLEET_TAG[0]]).toBe('Shop/annex');
  expect(kvs.mutatingCalls().filter((c) => c.operation.startsWith('Delete')).map((c) => `${c.operation} ${c.outcome}`))
    .toContain('DeleteSignalingChannel OK');
});

test('undo deletes a linked channel (unlinking it first) and the stream this attempt made', async () => {
  const created = new Set<'channel' | 'stream'>();
  const made = await cameras().onboard('shop-2', {}, created);
  await cameras().undo('shop-2', created);
  expect(kvs.links.linkOf(made.channelArn)).toBeUndefined();
  expect(ours('channel')).toEqual([]);
  expect(ours('stream')).toEqual([]);
});

test('undo keeps a stream found from before (recordings kept by a retirement), unless the removal policy deletes streams', async () => {
  await cameras().onboard('shop-3');
  await cameras().retire('shop-3');
  await new Promise((r) => setTimeout(r, 150)); // DELETING over
  const created = new Set<'channel' | 'stream'>();
  await cameras().onboard('shop-3', {}, created);
  expect([...created]).toEqual(['channel']);
  await cameras().undo('shop-3', created);
  expect(ours('channel')).toEqual([]);
  expect(ours('stream')).toEqual(['shop-3']);
  await cameras({ deleteStream: true }).undo('shop-3', new Set());
  expect(ours('stream')).toEqual([]);
});

test('retire: unlinks, deletes the channel, keeps the stream; a name not ours is left alone', async () => {
  const made = await cameras().onboard('shop-4');
  expect(await cameras().retire('shop-4')).toEqual({ found: true, streamKept: true });
  expect(kvs.links.linkOf(made.channelArn)).toBeUndefined();
  expect(ours('channel')).toEqual([]);
  expect(ours('stream')).toEqual(['shop-4']);
  kvs.addCamera('shop-stack', { [FLEET_TAG[0]]: FLEET_TAG[1] }, { linked: true });
  expect(await cameras().retire('shop-stack')).toEqual({ found: false, streamKept: false });
  expect(kvs.mutatingCalls().filter((c) => c.target.includes('shop-stack'))).toEqual([]);
});
