import { App, Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { CameraFleet, WebRtcIngestion } from '../src';
import {
  FLEET_GRANTS,
  GrantSpec,
  INGESTION_MASTER_CHANNEL_ACTIONS,
  INGESTION_VIEWER_CHANNEL_ACTIONS,
  KEY_READ_ACTIONS,
  KEY_WRITE_ACTIONS,
  STREAM_PLAYBACK_ACTIONS,
  STREAM_WRITE_ACTIONS,
} from './expected-grants';
import { sorted, statementsForService, statementsOfPrincipal } from './util/iam-statements';
import { simulatorSignedInAs } from './util/identity-simulation';
import { getAttArn } from './util/intrinsics';
import { ACCOUNT, catalogueActions, cellKey, FOREIGN_ACCOUNT, PolicySimulator, PrincipalRef, SIMULATED_ENV } from './util/policy-simulation';
import { logicalIdOf, newRole, newStack } from './util/stacks';
import { FLEET_TAG_KEY } from '../src/private/tags-and-quotas';

/** `arn:aws:kinesisvideo:eu-west-1:111111111111:<type>/<resourceName>` in a stack with a literal env. */
const arn = (type: string, resourceName: string) => `arn:aws:kinesisvideo:eu-west-1:111111111111:${type}/${resourceName}`;

function fleetStack(cameraCount: number, props: ConstructorParameters<typeof CameraFleet>[2] = {}) {
  // partition literals, so that the ARNs compare as plain strings
  const app = new App({ context: { '@aws-cdk/core:enablePartitionLiterals': true } });
  const stack = newStack('Shop', { env: { account: '111111111111', region: 'eu-west-1' } }, app);
  const fleet = new CameraFleet(stack, 'Fleet', props);
  for (let i = 0; i < cameraCount; i++) {
    fleet.addCamera(`cam-${i}`);
  }
  const role = newRole(stack, 'Role', new iam.ServicePrincipal('credentials.iot.amazonaws.com'));
  return { app, stack, fleet, role };
}

function kinesisVideoStatements(stack: Stack, role: iam.Role) {
  return statementsForService(statementsOfPrincipal(Template.fromStack(stack), logicalIdOf(role)), 'kinesisvideo');
}

/** Exactly two statements: the channel's actions on its one resource, and the stream's on its one. */
function expectChannelAndStreamStatements(
  statements: ReturnType<typeof kinesisVideoStatements>,
  [channelActions, channelResource]: [readonly string[], string],
  [streamActions, streamResource]: [readonly string[], string],
) {
  expect(statements.map(s => [sorted(s.actions), s.resources])).toEqual(expect.arrayContaining([
    [sorted(channelActions), [channelResource]],
    [sorted(streamActions), [streamResource]],
  ]));
  expect(statements).toHaveLength(2);
}

describe('addCamera', () => {
  test('names the channel and stream after the camera, with the prefix', () => {
    const { stack, fleet } = fleetStack(0, { namePrefix: 'shop-' });
    const door = fleet.addCamera('front-door');

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::KinesisVideo::SignalingChannel', { Name: 'shop-front-door' });
    template.hasResourceProperties('AWS::KinesisVideo::Stream', { Name: 'shop-front-door' });
    expect(door.node.id).toBe('front-door');
    expect(fleet.cameras).toEqual([door]);
  });

  test('tags the channel and the stream with the fleet id, which a user tag cannot override', () => {
    const { stack, fleet } = fleetStack(1);
    Tags.of(stack).add(FLEET_TAG_KEY, 'someone-else');

    const template = Template.fromStack(stack);
    const tag = Match.arrayWith([{ Key: FLEET_TAG_KEY, Value: fleet.fleetId }]);
    template.hasResourceProperties('AWS::KinesisVideo::SignalingChannel', { Tags: tag });
    template.hasResourceProperties('AWS::KinesisVideo::Stream', { Tags: tag });
    expect(fleet.fleetId).toMatch(/^Shop\/c8[0-9a-f]{40}$/);
  });

  test('two fleets get different ids', () => {
    const { stack, fleet } = fleetStack(0);
    const other = new CameraFleet(stack, 'Other');
    expect(other.fleetId).not.toBe(fleet.fleetId);
  });

  test('fleet defaults apply to every camera, and a camera may override them', () => {
    const { stack, fleet } = fleetStack(0, {
      retention: Duration.days(30),
      messageTtl: Duration.seconds(20),
      mediaType: 'video/h264',
      removalPolicy: RemovalPolicy.DESTROY,
    });
    fleet.addCamera('a');
    fleet.addCamera('b', { retention: Duration.days(90), messageTtl: Duration.seconds(30) });

    const template = Template.fromStack(stack);
    template.hasResource('AWS::KinesisVideo::Stream', {
      Properties: { Name: 'a', DataRetentionInHours: 720, MediaType: 'video/h264' },
      DeletionPolicy: 'Delete',
    });
    template.hasResourceProperties('AWS::KinesisVideo::Stream', { Name: 'b', DataRetentionInHours: 2160 });
    template.hasResourceProperties('AWS::KinesisVideo::SignalingChannel', { Name: 'a', MessageTtlSeconds: 20 });
    template.hasResourceProperties('AWS::KinesisVideo::SignalingChannel', { Name: 'b', MessageTtlSeconds: 30 });
  });

  test('every camera of an encrypted fleet uses the fleet key', () => {
    const stack = newStack('S');
    const key = new kms.Key(stack, 'Key');
    const fleet = new CameraFleet(stack, 'Fleet', { encryptionKey: key });
    fleet.addCamera('a');
    fleet.addCamera('b');

    Template.fromStack(stack).allResourcesProperties('AWS::KinesisVideo::Stream', {
      KmsKeyId: getAttArn(logicalIdOf(key)),
    });
  });

  test.each([
    ['a name that is not a valid channel name', {}, 'front door', /invalid name: .*'front door'/],
    ['a name too long with the prefix', { namePrefix: 'p'.repeat(200) }, 'c'.repeat(57), /invalid name: .*257 characters/],
    ['an invalid prefix', { namePrefix: 'shop/' }, 'a', /invalid namePrefix: .*'shop\/'/],
  ])('refuses %s', (_label, props, name, message) => {
    expect(() => {
      const { fleet } = fleetStack(0, props);
      fleet.addCamera(name);
    }).toThrow(message);
  });

  test('the same camera twice is refused by the duplicate-name check', () => {
    const { app, fleet } = fleetStack(0);
    fleet.addCamera('door');
    expect(() => new CameraFleet(fleet.node.scope!, 'Fleet2').addCamera('door')).not.toThrow();
    expect(() => app.synth()).toThrow(/duplicate name 'door'/);
  });
});

describe('fleet-wide grants', () => {
  test('grantMaster: one channel and one stream statement over the fleet tag, no per-camera ARN', () => {
    const { stack, fleet, role } = fleetStack(3, { namePrefix: 'shop-' });
    fleet.grantMaster(role);

    const statements = kinesisVideoStatements(stack, role);
    const condition = { StringEquals: { [`aws:ResourceTag/${FLEET_TAG_KEY}`]: fleet.fleetId } };
    expect(statements.map(s => ({ actions: sorted(s.actions), resources: s.resources, condition: s.condition })))
      .toEqual(expect.arrayContaining([
        { actions: sorted(INGESTION_MASTER_CHANNEL_ACTIONS), resources: [arn('channel', 'shop-*')], condition },
        { actions: sorted(STREAM_WRITE_ACTIONS), resources: [arn('stream', 'shop-*')], condition },
      ]));
    expect(statements).toHaveLength(2);
    expect(statements.every(s => s.effect === 'Allow')).toBe(true);
  });

  test('grantViewer and grantPlayback: the single-camera action sets, over the fleet tag', () => {
    const { stack, fleet, role } = fleetStack(2);
    const player = newRole(stack, 'Player');
    fleet.grantViewer(role);
    fleet.grantPlayback(player);

    const viewer = kinesisVideoStatements(stack, role);
    expectChannelAndStreamStatements(viewer, [INGESTION_VIEWER_CHANNEL_ACTIONS, arn('channel', '*')], [STREAM_WRITE_ACTIONS, arn('stream', '*')]);
    const playback = kinesisVideoStatements(stack, player);
    expect(playback.map(s => [sorted(s.actions), s.resources])).toEqual([[sorted(STREAM_PLAYBACK_ACTIONS), [arn('stream', '*')]]]);
    expect([...viewer, ...playback].every(s => JSON.stringify(s.condition).includes(fleet.fleetId))).toBe(true);
  });

  test('grantDeviceMaster: resources named by the IoT thing name (the full name, prefix included), still limited to the fleet', () => {
    const { stack, fleet, role } = fleetStack(2, { namePrefix: 'shop-' });
    fleet.grantDeviceMaster(role);

    const statements = kinesisVideoStatements(stack, role);
    expectChannelAndStreamStatements(statements,
      [INGESTION_MASTER_CHANNEL_ACTIONS, arn('channel', '${credentials-iot:ThingName}/*')],
      [STREAM_WRITE_ACTIONS, arn('stream', '${credentials-iot:ThingName}/*')]);
    expect(statements.every(s => JSON.stringify(s.condition).includes(fleet.fleetId))).toBe(true);
  });

  test('KMS: master and device master get GenerateDataKey, playback gets Decrypt, on the fleet key only', () => {
    const stack = newStack('S');
    const key = new kms.Key(stack, 'Key');
    new kms.Key(stack, 'OtherKey');
    const fleet = new CameraFleet(stack, 'Fleet', { encryptionKey: key });
    fleet.addCamera('a');
    const master = newRole(stack, 'Master');
    const player = newRole(stack, 'Player');
    fleet.grantMaster(master);
    fleet.grantPlayback(player);

    const template = Template.fromStack(stack);
    const keyArn = getAttArn(logicalIdOf(key));
    const kmsOf = (role: iam.Role) => statementsForService(statementsOfPrincipal(template, logicalIdOf(role)), 'kms')
      .map(s => [sorted(s.actions), s.resources]);
    expect(kmsOf(master)).toEqual([[sorted(KEY_WRITE_ACTIONS), [keyArn]]]);
    expect(kmsOf(player)).toEqual([[sorted(KEY_READ_ACTIONS), [keyArn]]]);
  });

  test('an unencrypted fleet grants no KMS action', () => {
    const { stack, fleet, role } = fleetStack(2);
    fleet.grantMaster(role);
    fleet.grantViewer(role);
    fleet.grantPlayback(role);
    expect(statementsForService(statementsOfPrincipal(Template.fromStack(stack), logicalIdOf(role)), 'kms')).toEqual([]);
  });
});

/**
 * CameraFleet grants, simulated: each fleet-wide grant allows exactly the single-camera action
 * sets on every camera of its fleet and on nothing else (another fleet's cameras, a camera
 * outside any fleet, foreign ARNs), and a device signed in through the AWS IoT credentials
 * provider is master of the camera whose full name (prefix included) is its thing name, and of
 * no other.
 */
describe('CameraFleet, simulated', () => {
  const STACK = 'Shop';

  interface Camera {
    readonly name: string;
    readonly channel: string;
    readonly stream: string;
    /** The fleet tag on its channel and stream, if any. */
    readonly fleetTag?: string;
  }

  function buildFixture() {
    const app = new App({ context: { ...CURRENTLY_RECOMMENDED_FLAGS } });
    const stack = newStack(STACK, { env: SIMULATED_ENV }, app);
    const shop = new CameraFleet(stack, 'ShopFleet', { namePrefix: 'shop-' });
    const frontDoor = shop.addCamera('front-door');
    const till = shop.addCamera('till');
    const warehouse = new CameraFleet(stack, 'WarehouseFleet');
    const dock = warehouse.addCamera('dock');
    const loner = new WebRtcIngestion(stack, 'Loner', { channelName: 'shop-loner', streamName: 'shop-loner' });

    const ops = newRole(stack, 'Ops');
    const viewers = newRole(stack, 'Viewers');
    const things = newRole(stack, 'Things', new iam.ServicePrincipal('credentials.iot.amazonaws.com'));
    shop.grantMaster(ops);
    shop.grantViewer(viewers);
    shop.grantDeviceMaster(things);

    const sim = PolicySimulator.fromStacks(stack);
    const template = Template.fromStack(stack).toJSON();
    const simulatorForThing = (thingName: string) => simulatorSignedInAs(STACK, template, thingName);
    const cameraOf = (name: string, camera: WebRtcIngestion, fleetTag?: string): Camera => ({
      name,
      channel: sim.arnOf(STACK, logicalIdOf(camera.channel)),
      stream: sim.arnOf(STACK, logicalIdOf(camera.stream)),
      fleetTag,
    });
    const principal = (role: iam.Role): PrincipalRef => ({ stackName: STACK, logicalId: logicalIdOf(role) });
    return {
      sim,
      simulatorForThing,
      shopFleetId: shop.fleetId,
      cameras: {
        frontDoor: cameraOf('shop-front-door', frontDoor, shop.fleetId),
        till: cameraOf('shop-till', till, shop.fleetId),
        dock: cameraOf('dock', dock, warehouse.fleetId),
        loner: cameraOf('shop-loner', loner),
      },
      ops: principal(ops),
      viewers: principal(viewers),
      things: principal(things),
    };
  }

  let fixture: ReturnType<typeof buildFixture>;
  let frontDoor: Camera, till: Camera, dock: Camera, loner: Camera;
  let everyCamera: Camera[];
  beforeAll(() => {
    fixture = buildFixture();
    ({ frontDoor, till, dock, loner } = fixture.cameras);
    everyCamera = [frontDoor, till, dock, loner];
  });
  const ALL_ACTIONS = catalogueActions('kinesisvideo');

  /** The request context of a real request on the camera's resources: their tags. */
  function tagsOf(camera: Camera): Record<string, string> {
    return camera.fleetTag ? { [`aws:ResourceTag/${FLEET_TAG_KEY}`]: camera.fleetTag } : {};
  }

  /** Every (action, ARN) the principal is allowed over all actions and the given cameras. */
  async function allowedOn(principal: PrincipalRef, cameras: Camera[], sim?: PolicySimulator) {
    const simulator = sim ?? fixture.sim;
    const actions = await ALL_ACTIONS;
    const allowed = new Set<string>();
    for (const camera of cameras) {
      for (const resource of [camera.channel, camera.stream]) {
        // not strict: the tag key is dropped for the list-only actions, where it cannot apply
        const decisions = await simulator.evaluateAll(principal, actions, [resource], tagsOf(camera), { strictContext: false });
        decisions.filter(d => d.allowed).forEach(d => allowed.add(cellKey(d.action, d.resource)));
      }
    }
    return allowed;
  }

  /** The Kinesis Video cells of a grant on the given cameras. */
  function expectedOn(cameras: Camera[], spec: GrantSpec) {
    return new Set(cameras.flatMap(c => [
      ...(spec.channel ?? []).map(a => cellKey(a, c.channel)),
      ...(spec.stream ?? []).map(a => cellKey(a, c.stream)),
    ]));
  }

  test('grantMaster: the master set on every camera of the fleet, nothing on other cameras', async () => {
    const allowed = await allowedOn(fixture.ops, everyCamera);
    expect([...allowed].sort()).toEqual([...expectedOn([frontDoor, till], FLEET_GRANTS.grantMaster)].sort());
  });

  test('grantViewer: the viewer set on every camera of the fleet, nothing on other cameras', async () => {
    const allowed = await allowedOn(fixture.viewers, everyCamera);
    expect([...allowed].sort()).toEqual([...expectedOn([frontDoor, till], FLEET_GRANTS.grantViewer)].sort());
  });

  test.each([
    ['shop-front-door', 'frontDoor'],
    ['shop-till', 'till'],
  ] as const)('grantDeviceMaster: a device signed in as thing %s is master of its own camera only', async (thing, camera) => {
    const own = fixture.cameras[camera];
    const allowed = await allowedOn(fixture.things, everyCamera, fixture.simulatorForThing(thing));
    expect([...allowed].sort()).toEqual([...expectedOn([own], FLEET_GRANTS.grantDeviceMaster)].sort());
  });

  test('grantDeviceMaster: a thing named like a camera outside the fleet gets nothing', async () => {
    // 'shop-loner' exists and has the fleet's prefix, but is not the fleet's; 'dock' is another fleet's.
    expect([...await allowedOn(fixture.things, everyCamera, fixture.simulatorForThing('shop-loner'))]).toEqual([]);
    expect([...await allowedOn(fixture.things, everyCamera, fixture.simulatorForThing('dock'))]).toEqual([]);
  });

  test('the camera name without the fleet prefix gets nothing, and neither does a policy with the variable unresolved', async () => {
    // the thing name is the full name: a thing named 'front-door' is not camera 'shop-front-door'
    expect([...await allowedOn(fixture.things, everyCamera, fixture.simulatorForThing('front-door'))]).toEqual([]);
    expect([...await allowedOn(fixture.things, everyCamera)]).toEqual([]);
  });

  test('a camera of the fleet in another account or with the fleet tag forged elsewhere is still out of reach', async () => {
    const foreign: Camera = {
      ...frontDoor,
      channel: frontDoor.channel.replace(ACCOUNT, FOREIGN_ACCOUNT),
      stream: frontDoor.stream.replace(ACCOUNT, FOREIGN_ACCOUNT),
    };
    expect([...await allowedOn(fixture.ops, [foreign])]).toEqual([]);
    // a resource tagged with another fleet's id
    expect([...await allowedOn(fixture.ops, [{ ...frontDoor, fleetTag: `${fixture.shopFleetId}x` }])]).toEqual([]);
  });
});
