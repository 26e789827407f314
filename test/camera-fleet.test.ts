import { App, Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CameraFleet } from '../src';
import {
  INGESTION_MASTER_CHANNEL_ACTIONS,
  INGESTION_VIEWER_CHANNEL_ACTIONS,
  KEY_READ_ACTIONS,
  KEY_WRITE_ACTIONS,
  STREAM_PLAYBACK_ACTIONS,
  STREAM_WRITE_ACTIONS,
} from './expected-grants';
import { sorted, statementsForService, statementsOfPrincipal } from './util/iam-statements';
import { getAttArn } from './util/intrinsics';
import { logicalIdOf, newRole, newStack } from './util/stacks';
import { FLEET_TAG_KEY as FLEET_TAG } from '../src/private/tags-and-quotas';


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
    Tags.of(stack).add(FLEET_TAG, 'someone-else');

    const template = Template.fromStack(stack);
    const tag = Match.arrayWith([{ Key: FLEET_TAG, Value: fleet.fleetId }]);
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
    const condition = { StringEquals: { [`aws:ResourceTag/${FLEET_TAG}`]: fleet.fleetId } };
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
    expect(viewer.map(s => [sorted(s.actions), s.resources])).toEqual(expect.arrayContaining([
      [sorted(INGESTION_VIEWER_CHANNEL_ACTIONS), [arn('channel', '*')]],
      [sorted(STREAM_WRITE_ACTIONS), [arn('stream', '*')]],
    ]));
    expect(viewer).toHaveLength(2);
    const playback = kinesisVideoStatements(stack, player);
    expect(playback.map(s => [sorted(s.actions), s.resources])).toEqual([[sorted(STREAM_PLAYBACK_ACTIONS), [arn('stream', '*')]]]);
    expect([...viewer, ...playback].every(s => JSON.stringify(s.condition).includes(fleet.fleetId))).toBe(true);
  });

  test('grantDeviceMaster: resources named by the IoT thing name (the full name, prefix included), still limited to the fleet', () => {
    const { stack, fleet, role } = fleetStack(2, { namePrefix: 'shop-' });
    fleet.grantDeviceMaster(role);

    const statements = kinesisVideoStatements(stack, role);
    expect(statements.map(s => [sorted(s.actions), s.resources])).toEqual(expect.arrayContaining([
      [sorted(INGESTION_MASTER_CHANNEL_ACTIONS), [arn('channel', '${credentials-iot:ThingName}/*')]],
      [sorted(STREAM_WRITE_ACTIONS), [arn('stream', '${credentials-iot:ThingName}/*')]],
    ]));
    expect(statements).toHaveLength(2);
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
