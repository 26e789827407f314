/**
 * The grant helper's account check: a grant across accounts throws; where one account is a token
 * and the other a literal the check cannot be made, and a warning says so.
 */
import { App, Aws, CfnElement, PhysicalName, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { CameraFleet, SignalingChannel, VideoStream, WebRtcIngestion } from '../../src';
import { INGESTION_MASTER_CHANNEL_ACTIONS, INGESTION_VIEWER_CHANNEL_ACTIONS, STREAM_PLAYBACK_ACTIONS, STREAM_WRITE_ACTIONS } from '../expected-grants';
import { ACCOUNT, CHANNEL_CREATION_TIME, FOREIGN_REGION, PolicySimulator, PrincipalRef, REGION, STREAM_CREATION_TIME } from '../util/policy-simulation';
import { newRole } from '../util/stacks';

const WARNING_ID = 'cdk-kinesis-video-webrtc:grantAccountUnchecked';

/** The warnings of the grant's account check in `stack`. */
function uncheckedWarnings(stack: Stack) {
  return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(WARNING_ID));
}

describe('the account check of a grant', () => {
  test('a role of an environment-agnostic stack (token account) granted a channel of a literal account: a warning naming both', () => {
    const app = new App();
    const roles = new Stack(app, 'Roles');
    const cameras = new Stack(app, 'Cameras', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const camera = new WebRtcIngestion(cameras, 'Door', { channelName: 'door', streamName: 'door' });
    const role = iam.Role.fromRoleArn(cameras, 'Imported', `arn:aws:iam::${Aws.ACCOUNT_ID}:role/viewer`);
    camera.grantViewer(role);
    void roles;

    const warnings = uncheckedWarnings(cameras);
    expect(warnings.map(w => w.id).sort()).toEqual(['/Cameras/Door/Channel', '/Cameras/Door/Stream']);
    const message = String(warnings[0].entry.data);
    expect(message).toContain("grantee 'Cameras/Imported'");
    expect(message).toContain("signaling channel 'Cameras/Door/Channel'");
    expect(message).toContain(ACCOUNT);
    expect(message).toMatch(/could not be checked/);
  });

  test('a literal-account role granted a channel imported by a token ARN: a warning', () => {
    const stack = new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const channel = SignalingChannel.fromSignalingChannelArn(stack, 'Channel', new iam.Role(stack, 'Source', {
      assumedBy: new iam.AccountRootPrincipal(),
    }).roleArn);
    channel.grantMaster(newRole(stack));
    expect(uncheckedWarnings(stack)).toHaveLength(1);
  });

  test('a fleet grant to a token-account role in a literal-account stack: a warning on the fleet', () => {
    const stack = new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const fleet = new CameraFleet(stack, 'Fleet');
    fleet.addCamera('door');
    fleet.grantPlayback(iam.Role.fromRoleArn(stack, 'Imported', `arn:aws:iam::${Aws.ACCOUNT_ID}:role/player`));
    const warnings = uncheckedWarnings(stack);
    expect(warnings.map(w => w.id)).toEqual(['/Stack/Fleet']);
    expect(String(warnings[0].entry.data)).toContain("camera fleet 'Stack/Fleet' (its streams)");
  });

  test('both accounts literal (checked) or both tokens (one environment-agnostic stack): no warning', () => {
    const literal = new Stack(new App(), 'Literal', { env: { account: ACCOUNT, region: 'us-east-1' } });
    new WebRtcIngestion(literal, 'Door').grantMaster(newRole(literal));
    expect(uncheckedWarnings(literal)).toHaveLength(0);

    const agnostic = new Stack(new App(), 'Agnostic');
    new WebRtcIngestion(agnostic, 'Door').grantMaster(newRole(agnostic));
    new CameraFleet(agnostic, 'Fleet').grantViewer(newRole(agnostic, 'Viewer'));
    expect(uncheckedWarnings(agnostic)).toHaveLength(0);
  });

  test('a service principal (no account) gets the identity-policy error, no warning', () => {
    const stack = new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region: 'us-east-1' } });
    expect(() => new SignalingChannel(stack, 'Channel').grantMaster(new iam.ServicePrincipal('lambda.amazonaws.com')))
      .toThrow(/cannot hold an identity policy/);
    expect(uncheckedWarnings(stack)).toHaveLength(0);
  });

  test('a fleet grant to a role of another account names the fleet in a sentence', () => {
    const stack = new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const fleet = new CameraFleet(stack, 'Fleet');
    const role = iam.Role.fromRoleArn(stack, 'Foreign', 'arn:aws:iam::222222222222:role/player');
    expect(() => fleet.grantPlayback(role))
      .toThrow(/is in account 222222222222, but camera fleet 'Stack\/Fleet' \(its streams\) is in account 111111111111\./);
  });
});

/**
 * Grants across regions of one account: IAM roles are global, so a common layout keeps them in
 * one stack and the cameras in regional stacks. A Kinesis Video ARN ends in the resource's
 * creation time, which no one knows at synthesis, so a policy in another environment names the
 * resources `channel/<name>/*` and `stream/<name>/*`, with the names given, or generated when
 * the name is `PhysicalName.GENERATE_IF_NEEDED` (aws-cdk's cross-environment mechanism; an
 * unnamed resource is refused, see test/signaling-channel.test.ts). Proven by the synthesized
 * templates and by IAM policy simulation.
 */
describe('across environments', () => {
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
      const keyId = cameras.getLogicalId(key.node.defaultChild as CfnElement);
      const keyPolicy = Template.fromStack(cameras).toJSON().Resources[keyId].Properties.KeyPolicy;
      expect(JSON.stringify(keyPolicy)).toMatch(/"Action":"kms:GenerateDataKey","Effect":"Allow","Principal":\{"AWS":.*:role\//);
      const statements = Object.values(Template.fromStack(roles).findResources('AWS::IAM::Policy'))
        .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
      expect(statements).toContainEqual({ Action: 'kms:GenerateDataKey', Effect: 'Allow', Resource: '*' });
    });
  });
});

/**
 * Kinesis Video Streams has no resource-based policies: a grant is a statement in the grantee's
 * identity policy or nothing. A grant that can never work (a principal of another account, a
 * principal that cannot hold an identity policy) throws instead of returning a Grant that
 * changed nothing.
 */
describe('grantees', () => {
  const OTHER_ACCOUNT = '222222222222';
  const CHANNEL_ARN = `arn:aws:kinesisvideo:${REGION}:${ACCOUNT}:channel/gate/1700000000000`;
  const STREAM_ARN = `arn:aws:kinesisvideo:${REGION}:${ACCOUNT}:stream/gate/1700000000001`;

  function newStack(app = new App(), id = 'Stack', account = ACCOUNT): Stack {
    return new Stack(app, id, { env: { account, region: REGION } });
  }

  /** Every grant method of the library, on fresh resources of `stack`. */
  function everyGrant(stack: Stack): Record<string, (grantee: iam.IGrantable) => iam.Grant> {
    const channel = new SignalingChannel(stack, 'Channel');
    const stream = new VideoStream(stack, 'Stream');
    const camera = new WebRtcIngestion(stack, 'Camera');
    const imported = WebRtcIngestion.fromWebRtcIngestionAttributes(stack, 'Imported', { channelArn: CHANNEL_ARN, streamArn: STREAM_ARN });
    const fleet = new CameraFleet(stack, 'Fleet');
    return {
      'SignalingChannel.grantMaster': g => channel.grantMaster(g),
      'SignalingChannel.grantViewer': g => channel.grantViewer(g),
      'SignalingChannel.grantStorageSessionMaster': g => channel.grantStorageSessionMaster(g),
      'SignalingChannel.grantStorageSessionViewer': g => channel.grantStorageSessionViewer(g),
      'SignalingChannel.grant': g => channel.grant(g, 'kinesisvideo:DescribeSignalingChannel'),
      'VideoStream.grantWrite': g => stream.grantWrite(g),
      'VideoStream.grantRead': g => stream.grantRead(g),
      'VideoStream.grantPlayback': g => stream.grantPlayback(g),
      'VideoStream.grant': g => stream.grant(g, 'kinesisvideo:DescribeStream'),
      'WebRtcIngestion.grantMaster': g => camera.grantMaster(g),
      'WebRtcIngestion.grantViewer': g => camera.grantViewer(g),
      'WebRtcIngestion.grantPlayback': g => camera.grantPlayback(g),
      'imported WebRtcIngestion.grantMaster': g => imported.grantMaster(g),
      'CameraFleet.grantMaster': g => fleet.grantMaster(g),
      'CameraFleet.grantViewer': g => fleet.grantViewer(g),
      'CameraFleet.grantPlayback': g => fleet.grantPlayback(g),
      'CameraFleet.grantDeviceMaster': g => fleet.grantDeviceMaster(g),
    };
  }

  const GRANT_NAMES = Object.keys(everyGrant(newStack()));

  describe('a principal of another account', () => {
    test.each(GRANT_NAMES)('%s: Role.fromRoleArn of another account throws, explaining why and what to do', (name) => {
      const stack = newStack();
      const role = iam.Role.fromRoleArn(stack, 'Foreign', `arn:aws:iam::${OTHER_ACCOUNT}:role/viewer`);
      const error = errorOf(() => everyGrant(stack)[name](role));
      expect(error).toMatch(/^invalid grantee: /);
      expect(error).toContain(`is in account ${OTHER_ACCOUNT}`);
      expect(error).toContain(`in account ${ACCOUNT}`);
      expect(error).toContain('no resource-based policies');
      expect(error).toMatch(/grant to a role of account 111111111111 .* assume it/);
    });

    test('a role defined in a stack of another account throws', () => {
      const app = new App();
      const cameras = newStack(app, 'Cameras');
      const roles = newStack(app, 'Roles', OTHER_ACCOUNT);
      const role = new iam.Role(roles, 'Viewer', { assumedBy: new iam.AccountRootPrincipal() });
      const camera = new WebRtcIngestion(cameras, 'Camera');
      expect(() => camera.grantViewer(role)).toThrow(/invalid grantee: grantee 'Roles\/Viewer' is in account 222222222222, but signaling channel 'Cameras\/Camera\/Channel' is in account 111111111111/);
    });

    test('an imported channel of another account, granted to a role of this one, throws', () => {
      const stack = newStack();
      const channel = SignalingChannel.fromSignalingChannelArn(stack, 'Foreign',
        `arn:aws:kinesisvideo:${REGION}:${OTHER_ACCOUNT}:channel/gate/1700000000000`);
      const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
      expect(() => channel.grantViewer(role)).toThrow(/is in account 111111111111, but signaling channel 'Stack\/Foreign' is in account 222222222222/);
    });

    test('an AccountPrincipal of another account throws the account error', () => {
      const stack = newStack();
      expect(() => everyGrant(stack)['WebRtcIngestion.grantViewer'](new iam.AccountPrincipal(OTHER_ACCOUNT)))
        .toThrow(/is in account 222222222222.*no resource-based policies/);
    });
  });

  describe('a principal that cannot hold an identity policy', () => {
    const principals: Record<string, () => iam.IPrincipal> = {
      'AccountPrincipal of the same account': () => new iam.AccountPrincipal(ACCOUNT),
      'AccountRootPrincipal': () => new iam.AccountRootPrincipal(),
      'ServicePrincipal': () => new iam.ServicePrincipal('lambda.amazonaws.com'),
      'ArnPrincipal': () => new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/somebody`),
      'AnyPrincipal': () => new iam.AnyPrincipal(),
    };
    for (const [principalName, make] of Object.entries(principals)) {
      test.each(GRANT_NAMES)(`${principalName}, %s: throws`, (name) => {
        const error = errorOf(() => everyGrant(newStack())[name](make()));
        expect(error).toMatch(/^invalid grantee: grantee '.*' cannot hold an identity policy/);
        expect(error).toContain('no resource-based policies');
        expect(error).toContain('grant to an IAM role, user or group instead');
      });
    }

    test('the message names the principal', () => {
      expect(() => new SignalingChannel(newStack(), 'Channel').grantMaster(new iam.ServicePrincipal('lambda.amazonaws.com')))
        .toThrow(/grantee 'ServicePrincipal\(lambda.amazonaws.com\)' cannot hold an identity policy .* signaling channel 'Stack\/Channel'/);
    });
  });

  describe('principals that work', () => {
    test.each(GRANT_NAMES)('%s: a role, a user, a group and a function of the same account each get a statement', (name) => {
      const stack = newStack();
      const grants = everyGrant(stack);
      const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
      const user = new iam.User(stack, 'User');
      const group = new iam.Group(stack, 'Group');
      const fn = new lambda.Function(stack, 'Fn', {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => {}'),
      });
      for (const grantee of [role, user, group, fn]) {
        grants[name](grantee);
      }
      const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
      const attached = Object.values(policies).map((p: any) => JSON.stringify([p.Properties.Roles, p.Properties.Users, p.Properties.Groups]));
      expect(attached.some(a => a.includes(stack.getLogicalId(role.node.defaultChild as iam.CfnRole)))).toBe(true);
      expect(attached.some(a => a.includes(stack.getLogicalId(user.node.defaultChild as iam.CfnUser)))).toBe(true);
      expect(attached.some(a => a.includes(stack.getLogicalId(group.node.defaultChild as iam.CfnGroup)))).toBe(true);
    });

    test('an imported role of the same account gets a policy in the importing stack', () => {
      const stack = newStack();
      const role = iam.Role.fromRoleArn(stack, 'Imported', `arn:aws:iam::${ACCOUNT}:role/viewer`);
      new WebRtcIngestion(stack, 'Camera').grantViewer(role);
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', { Roles: ['viewer'] });
    });

    test('accounts that are tokens (environment-agnostic stack) cannot be compared at synthesis: no check, the grant is made', () => {
      const stack = new Stack(new App(), 'Agnostic');
      const role = iam.Role.fromRoleArn(stack, 'Imported', `arn:aws:iam::${OTHER_ACCOUNT}:role/viewer`);
      new WebRtcIngestion(stack, 'Camera').grantViewer(role);
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', { Roles: ['viewer'] });
    });
  });

  function errorOf(fn: () => unknown): string {
    try {
      fn();
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('expected an error');
  }
});
