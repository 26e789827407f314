/**
 * Kinesis Video Streams has no resource-based policies: a grant is a statement in the grantee's
 * identity policy or nothing. A grant that can never work (a principal of another account, a
 * principal that cannot hold an identity policy) throws instead of returning a Grant that
 * changed nothing.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CameraFleet, SignalingChannel, VideoStream, WebRtcIngestion } from '../src';

const ACCOUNT = '111111111111';
const OTHER_ACCOUNT = '222222222222';
const REGION = 'us-east-1';
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
      expect(grants[name](grantee).success).toBe(true);
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
    expect(new WebRtcIngestion(stack, 'Camera').grantViewer(role).success).toBe(true);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', { Roles: ['viewer'] });
  });

  test('accounts that are tokens (environment-agnostic stack) cannot be compared at synthesis: no check, the grant is made', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const role = iam.Role.fromRoleArn(stack, 'Imported', `arn:aws:iam::${OTHER_ACCOUNT}:role/viewer`);
    expect(new WebRtcIngestion(stack, 'Camera').grantViewer(role).success).toBe(true);
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
