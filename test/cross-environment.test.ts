/**
 * Grants across regions of one account: IAM roles are global, so a common layout keeps them in
 * one stack and the cameras in regional stacks. A Kinesis Video ARN ends in the resource's
 * creation time, which no one knows at synthesis, so a policy in another environment names the
 * resources `channel/<name>/*` and `stream/<name>/*`, with the names given, or generated when
 * the name is `PhysicalName.GENERATE_IF_NEEDED` (aws-cdk's cross-environment mechanism; an
 * unnamed resource is refused, see test/signaling-channel.test.ts). Proven by the synthesized
 * templates and by IAM policy simulation.
 */
import { App, CfnElement, PhysicalName, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { CameraFleet, SignalingChannel, VideoStream, WebRtcIngestion } from '../src';
import {
  INGESTION_MASTER_CHANNEL_ACTIONS,
  INGESTION_VIEWER_CHANNEL_ACTIONS,
  STREAM_PLAYBACK_ACTIONS,
  STREAM_WRITE_ACTIONS,
} from './expected-grants';
import {
  ACCOUNT,
  CHANNEL_CREATION_TIME,
  FOREIGN_REGION,
  PolicySimulator,
  PrincipalRef,
  REGION,
  STREAM_CREATION_TIME,
} from './util/policy-simulation';

/** Every channel and stream action of the IAM catalogue the tests probe beyond the granted ones. */
const OTHER_CHANNEL_ACTIONS = ['kinesisvideo:UpdateMediaStorageConfiguration', 'kinesisvideo:DeleteSignalingChannel', 'kinesisvideo:ConnectAsViewer'];
const OTHER_STREAM_ACTIONS = ['kinesisvideo:GetMedia', 'kinesisvideo:DeleteStream', 'kinesisvideo:UpdateDataRetention'];

const channelArn = (region: string, name: string) => `arn:aws:kinesisvideo:${region}:${ACCOUNT}:channel/${name}/${CHANNEL_CREATION_TIME}`;
const streamArn = (region: string, name: string) => `arn:aws:kinesisvideo:${region}:${ACCOUNT}:stream/${name}/${STREAM_CREATION_TIME}`;

/** The Name in the template of a channel or stream of `stack`. */
function nameOf(stack: Stack, resource: { node: { defaultChild?: unknown } }): unknown {
  const logicalId = stack.getLogicalId(resource.node.defaultChild as CfnElement);
  return Template.fromStack(stack).toJSON().Resources[logicalId].Properties.Name;
}

describe('a roles stack and a camera stack in another region of the same account', () => {
  let rolesStack: Stack;
  let camerasStack: Stack;
  let localStack: Stack;
  let generated: WebRtcIngestion;
  let local: WebRtcIngestion;
  let sim: PolicySimulator;
  let device: PrincipalRef;
  let viewer: PrincipalRef;
  let player: PrincipalRef;
  let fleetId: string;

  beforeAll(() => {
    const app = new App({ context: { ...CURRENTLY_RECOMMENDED_FLAGS } });
    rolesStack = new Stack(app, 'Roles', { env: { account: ACCOUNT, region: REGION } });
    camerasStack = new Stack(app, 'Cameras', { env: { account: ACCOUNT, region: FOREIGN_REGION } });
    localStack = new Stack(app, 'LocalCameras', { env: { account: ACCOUNT, region: REGION } });

    const deviceRole = new iam.Role(rolesStack, 'Device', { assumedBy: new iam.AccountRootPrincipal() });
    const viewerRole = new iam.Role(rolesStack, 'Viewer', { assumedBy: new iam.AccountRootPrincipal() });
    const playerRole = new iam.Role(rolesStack, 'Player', { assumedBy: new iam.AccountRootPrincipal() });

    const gate = new WebRtcIngestion(camerasStack, 'Gate', { channelName: 'gate', streamName: 'gate' });
    generated = new WebRtcIngestion(camerasStack, 'Door', {
      channelName: PhysicalName.GENERATE_IF_NEEDED,
      streamName: PhysicalName.GENERATE_IF_NEEDED,
    });
    const fleet = new CameraFleet(camerasStack, 'Shop', { namePrefix: 'shop-' });
    fleet.addCamera('till');
    local = new WebRtcIngestion(localStack, 'Porch');

    gate.grantMaster(deviceRole);
    generated.grantMaster(deviceRole);
    local.grantMaster(deviceRole);
    gate.grantViewer(viewerRole);
    fleet.grantPlayback(playerRole);
    fleetId = fleet.fleetId;

    sim = new PolicySimulator([rolesStack, camerasStack, localStack].map(s => ({
      stackName: s.stackName,
      template: Template.fromStack(s).toJSON(),
    })));
    const principal = (role: iam.Role): PrincipalRef => ({ stackName: 'Roles', logicalId: rolesStack.getLogicalId(role.node.defaultChild as CfnElement) });
    device = principal(deviceRole);
    viewer = principal(viewerRole);
    player = principal(playerRole);
  });

  test('a channel and stream named PhysicalName.GENERATE_IF_NEEDED get names generated at synthesis, in their template', () => {
    const channelName = nameOf(camerasStack, generated.channel);
    const streamName = nameOf(camerasStack, generated.stream);
    expect(typeof channelName).toBe('string');
    expect(channelName).toMatch(/^[a-z0-9_.-]{1,256}$/);
    expect(typeof streamName).toBe('string');
    expect(streamName).not.toEqual(channelName);
  });

  test('the roles stack names them by name with /* for the creation time, in the cameras\' region and account', () => {
    const statements = Template.fromStack(rolesStack).findResources('AWS::IAM::Policy');
    const resources = JSON.stringify(statements);
    expect(resources).toContain(`arn:aws:kinesisvideo:${FOREIGN_REGION}:${ACCOUNT}:channel/gate/*`);
    expect(resources).toContain(`arn:aws:kinesisvideo:${FOREIGN_REGION}:${ACCOUNT}:stream/gate/*`);
    expect(resources).toContain(`arn:aws:kinesisvideo:${FOREIGN_REGION}:${ACCOUNT}:channel/${nameOf(camerasStack, generated.channel)}/*`);
    expect(resources).toContain(`arn:aws:kinesisvideo:${FOREIGN_REGION}:${ACCOUNT}:stream/${nameOf(camerasStack, generated.stream)}/*`);
  });

  test('the cameras stack exports nothing to the roles stack and the roles stack imports nothing from it', () => {
    expect(Template.fromStack(camerasStack).toJSON().Outputs ?? {}).toEqual({});
    expect(rolesStack.dependencies.map(s => s.stackName)).not.toContain('Cameras');
  });

  test('in the same region nothing changes: no Name, the ARN imported from the camera stack', () => {
    Template.fromStack(localStack).hasResourceProperties('AWS::KinesisVideo::SignalingChannel', { Name: Match.absent() });
    const policies = JSON.stringify(Template.fromStack(rolesStack).findResources('AWS::IAM::Policy'));
    expect(policies).toContain('Fn::ImportValue');
  });

  test('simulated: the device role is master of both remote cameras, exactly, and of nothing else', async () => {
    const door = {
      channel: channelArn(FOREIGN_REGION, nameOf(camerasStack, generated.channel) as string),
      stream: streamArn(FOREIGN_REGION, nameOf(camerasStack, generated.stream) as string),
    };
    const gate = { channel: channelArn(FOREIGN_REGION, 'gate'), stream: streamArn(FOREIGN_REGION, 'gate') };
    for (const camera of [door, gate]) {
      for (const action of INGESTION_MASTER_CHANNEL_ACTIONS) {
        expect(await sim.evaluate({ principal: device, action, resource: camera.channel })).toMatchObject({ action, allowed: true });
      }
      for (const action of STREAM_WRITE_ACTIONS) {
        expect(await sim.evaluate({ principal: device, action, resource: camera.stream })).toMatchObject({ action, allowed: true });
      }
      for (const action of OTHER_CHANNEL_ACTIONS) {
        expect(await sim.evaluate({ principal: device, action, resource: camera.channel })).toMatchObject({ action, allowed: false });
      }
      for (const action of OTHER_STREAM_ACTIONS) {
        expect(await sim.evaluate({ principal: device, action, resource: camera.stream })).toMatchObject({ action, allowed: false });
      }
    }
    // the same names in another region, and other names in the cameras' region: denied
    for (const resource of [channelArn(REGION, 'gate'), channelArn(FOREIGN_REGION, 'gatehouse'), channelArn(FOREIGN_REGION, 'gate-2')]) {
      expect(await sim.evaluate({ principal: device, action: 'kinesisvideo:ConnectAsMaster', resource })).toMatchObject({ allowed: false });
    }
    expect(await sim.evaluate({ principal: device, action: 'kinesisvideo:PutMedia', resource: streamArn(REGION, 'gate') }))
      .toMatchObject({ allowed: false });
  });

  test('simulated: the viewer role views the named camera and nothing else', async () => {
    for (const action of INGESTION_VIEWER_CHANNEL_ACTIONS) {
      expect(await sim.evaluate({ principal: viewer, action, resource: channelArn(FOREIGN_REGION, 'gate') })).toMatchObject({ allowed: true });
    }
    expect(await sim.evaluate({ principal: viewer, action: 'kinesisvideo:ConnectAsMaster', resource: channelArn(FOREIGN_REGION, 'gate') }))
      .toMatchObject({ allowed: false });
    expect(await sim.evaluate({
      principal: viewer,
      action: 'kinesisvideo:ConnectAsViewer',
      resource: channelArn(FOREIGN_REGION, nameOf(camerasStack, generated.channel) as string),
    })).toMatchObject({ allowed: false });
  });

  test('simulated: a fleet grant from another region allows the fleet\'s cameras in the fleet\'s region only', async () => {
    const context = { 'aws:ResourceTag/cdk-kinesis-video-webrtc:fleet': fleetId };
    for (const action of STREAM_PLAYBACK_ACTIONS) {
      expect(await sim.evaluate({ principal: player, action, resource: streamArn(FOREIGN_REGION, 'shop-till'), context }))
        .toMatchObject({ allowed: true });
    }
    expect(await sim.evaluate({ principal: player, action: 'kinesisvideo:GetClip', resource: streamArn(REGION, 'shop-till'), context }))
      .toMatchObject({ allowed: false });
  });

  test('the device role\'s statements hold exactly the expected actions per resource type', () => {
    const policies = Template.fromStack(rolesStack).findResources('AWS::IAM::Policy');
    const statements = Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement)
      .filter((st: any) => JSON.stringify(st.Resource).includes(`${FOREIGN_REGION}:${ACCOUNT}:channel/gate/*`));
    expect(statements).toHaveLength(2); // master and viewer grants on the gate channel, in two roles
    const actionLists = statements.map((st: any) => [st.Action].flat().sort());
    expect(actionLists).toContainEqual([...INGESTION_MASTER_CHANNEL_ACTIONS].sort());
    expect(actionLists).toContainEqual([...INGESTION_VIEWER_CHANNEL_ACTIONS].sort());
  });
});

describe('building blocks across regions', () => {
  test('SignalingChannel and VideoStream grants to a role of another region name the resources by name', () => {
    const app = new App();
    const roles = new Stack(app, 'Roles', { env: { account: ACCOUNT, region: REGION } });
    const media = new Stack(app, 'Media', { env: { account: ACCOUNT, region: FOREIGN_REGION } });
    const role = new iam.Role(roles, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    new SignalingChannel(media, 'Intercom', { signalingChannelName: 'intercom' }).grantMaster(role);
    new VideoStream(media, 'Lobby', { videoStreamName: 'lobby' }).grantPlayback(role);
    const policies = JSON.stringify(Template.fromStack(roles).findResources('AWS::IAM::Policy'));
    // the partition stays `Ref AWS::Partition` without the recommended feature flags
    expect(policies).toContain(`:kinesisvideo:${FOREIGN_REGION}:${ACCOUNT}:channel/intercom/*"`);
    expect(policies).toContain(`:kinesisvideo:${FOREIGN_REGION}:${ACCOUNT}:stream/lobby/*"`);
  });

  test('the public ARN is still the real one: using it in another region fails loudly (it cannot be known at synthesis)', () => {
    const app = new App();
    const other = new Stack(app, 'Other', { env: { account: ACCOUNT, region: REGION } });
    const media = new Stack(app, 'Media', { env: { account: ACCOUNT, region: FOREIGN_REGION } });
    const channel = new SignalingChannel(media, 'Intercom', { signalingChannelName: 'intercom' });
    new iam.Role(other, 'Role', { assumedBy: new iam.AccountRootPrincipal() }).addToPolicy(new iam.PolicyStatement({
      actions: ['kinesisvideo:ConnectAsMaster'],
      resources: [channel.signalingChannelArn],
    }));
    expect(() => app.synth()).toThrow(/Cross stack references are only supported for stacks deployed to the same environment|cross-environment/i);
  });
});

describe('a customer-managed key across regions (aws-cdk\'s Key.grant, documented in the README)', () => {
  function build(roleName?: string) {
    const app = new App();
    const roles = new Stack(app, 'Roles', { env: { account: ACCOUNT, region: REGION } });
    const cameras = new Stack(app, 'Cameras', { env: { account: ACCOUNT, region: FOREIGN_REGION } });
    const role = new iam.Role(roles, 'Device', { assumedBy: new iam.AccountRootPrincipal(), roleName });
    const key = new kms.Key(cameras, 'Key');
    new WebRtcIngestion(cameras, 'Gate', { channelName: 'gate', streamName: 'gate', encryptionKey: key }).grantMaster(role);
    return { roles, cameras, key };
  }

  test('an unnamed role fails synthesis with aws-cdk\'s cross-environment error (the key policy must name it)', () => {
    const { cameras } = build();
    expect(() => Template.fromStack(cameras)).toThrow(/Cannot use resource 'Roles\/Device' in a cross-environment fashion/);
  });

  test('a role named GENERATE_IF_NEEDED: the key policy names the role, the role\'s policy the key action on *', () => {
    const { roles, cameras, key } = build(PhysicalName.GENERATE_IF_NEEDED);
    const keyPolicy = Template.fromStack(cameras).toJSON().Resources[cameras.getLogicalId(key.node.defaultChild as CfnElement)].Properties.KeyPolicy;
    expect(JSON.stringify(keyPolicy)).toMatch(/"Action":"kms:GenerateDataKey","Effect":"Allow","Principal":\{"AWS":.*:role\//);
    const statements = Object.values(Template.fromStack(roles).findResources('AWS::IAM::Policy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements).toContainEqual({ Action: 'kms:GenerateDataKey', Effect: 'Allow', Resource: '*' });
  });
});
