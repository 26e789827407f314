/**
 * The grant helper's account check: a grant across accounts throws; where one account is a token
 * and the other a literal the check cannot be made, and a warning says so.
 */
import { App, Aws, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CameraFleet, SignalingChannel, WebRtcIngestion } from '../../src';
import { newRole } from '../util/stacks';

const WARNING_ID = 'cdk-kinesis-video-webrtc:grantAccountUnchecked';
const ACCOUNT = '111111111111';

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
