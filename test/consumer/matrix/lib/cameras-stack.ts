import { Duration, RemovalPolicy, Stack, StackProps, Token, Validations } from 'aws-cdk-lib/core';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { NagSuppressions } from 'cdk-nag-v2';
import { Construct } from 'constructs';
import {
  CameraFleet, CameraOnboarding, DeviceIdentity, LiveViewApp, SignalingChannel, StorageTier, VideoStream, ViewerIdentity, WebRtcIngestion,
} from 'cdk-kinesis-video-webrtc';

/** The name prefix of the fleet, and the account and region of the environment-specific stack. */
export const FLEET_PREFIX = 'shop-';

/**
 * What a user of the library builds: a recorded camera encrypted with their key, a fleet with
 * grants to their roles, and imported channels and streams. The library's resources must pass
 * every rule pack untouched; the user's own roles carry the user's acknowledgements (the fleet
 * grants' tag-scoped wildcards, as the README shows, and their default policies), in both
 * cdk-nag majors, so that the whole app passes `cdk synth -c nag=2` and `-c nag=3`.
 */
export class CamerasStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const key = new kms.Key(this, 'RecordingKey', {
      enableKeyRotation: true,
      description: 'Encrypts the recordings',
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const deviceRole = new iam.Role(this, 'DeviceRole', {
      assumedBy: new iam.ServicePrincipal('credentials.iot.amazonaws.com'),
      description: 'Assumed by the cameras through the AWS IoT credentials provider',
    });
    const viewerRole = new iam.Role(this, 'ViewerRole', {
      assumedBy: new iam.AccountRootPrincipal(),
      description: 'Assumed by the viewing app',
    });

    const frontDoor = new WebRtcIngestion(this, 'FrontDoor', {
      retention: Duration.days(7),
      encryptionKey: key,
      deviceName: 'front-door-camera',
      storageTier: StorageTier.WARM,
    });
    frontDoor.grantMaster(deviceRole);
    frontDoor.grantViewer(viewerRole);
    frontDoor.grantPlayback(viewerRole);

    const fleet = new CameraFleet(this, 'Shop', { namePrefix: FLEET_PREFIX, encryptionKey: key });
    fleet.addCamera('entrance', { accessGroup: 'front-of-house' });
    fleet.addCamera('till', { retention: Duration.days(30), accessGroup: 'staff' });
    fleet.grantDeviceMaster(deviceRole);
    fleet.grantViewer(viewerRole);
    fleet.grantPlayback(viewerRole);
    // the library's own device role, role alias and IoT policy: no finding, no action from the user
    new DeviceIdentity(this, 'ShopDevices', { fleet, credentialDuration: Duration.hours(2) });
    // the app's end users, each with the cameras of their own access group: the user pool is the user's (imported)
    const viewers = new ViewerIdentity(this, 'ShopViewers', {
      fleet,
      userPool: cognito.UserPool.fromUserPoolId(this, 'Users', 'eu-west-1_AbCdEf123'),
      userPoolClient: cognito.UserPoolClient.fromUserPoolClientId(this, 'AppClient', '1example23456789'),
    });
    // their web app: page bucket, CloudFront, camera directory, deployments
    new LiveViewApp(this, 'ShopLiveView', { viewers, signInUrl: 'https://auth.example.com' });
    // run-time cameras of the fleet (one per AWS IoT thing named shop-...), announced by the backend too
    const onboarding = new CameraOnboarding(this, 'ShopOnboarding', { fleet, storageBudget: 90 });
    const backendRole = new iam.Role(this, 'BackendRole', {
      assumedBy: new iam.AccountRootPrincipal(),
      description: 'Assumed by the backend that provisions cameras',
    });
    onboarding.grantSendCameraNames(backendRole);
    onboarding.grantListCameras(backendRole);

    const garage = WebRtcIngestion.fromWebRtcIngestionAttributes(this, 'Garage', {
      channelArn: this.formatArn({ service: 'kinesisvideo', resource: 'channel', resourceName: 'garage/1700000000000' }),
      streamArn: this.formatArn({ service: 'kinesisvideo', resource: 'stream', resourceName: 'garage/1700000000001' }),
    });
    garage.grantViewer(viewerRole);
    SignalingChannel.fromSignalingChannelArn(this, 'Yard',
      this.formatArn({ service: 'kinesisvideo', resource: 'channel', resourceName: 'yard/1700000000002' })).grantViewer(viewerRole);
    VideoStream.fromVideoStreamArn(this, 'YardStream',
      this.formatArn({ service: 'kinesisvideo', resource: 'stream', resourceName: 'yard/1700000000003' })).grantPlayback(viewerRole);

    // The user's side: the fleet grants are wildcards by name prefix, scoped by the fleet's tag.
    acknowledgeFleetWildcards(deviceRole, [
      'channel/<credentials-iot:ThingName>/*',
      'stream/<credentials-iot:ThingName>/*',
    ]);
    acknowledgeFleetWildcards(viewerRole, [`channel/${FLEET_PREFIX}*`, `stream/${FLEET_PREFIX}*`]);
    // and CDK puts every grant in the role's default policy, an inline policy
    for (const role of [deviceRole, viewerRole, backendRole]) acknowledgeDefaultPolicy(role);
  }
}

const INLINE_REASON = 'The grants of this role live in the default policy that CDK makes for it, deleted with the role';

/** IAMNoInlinePolicy of the compliance packs acknowledged on the role and its default policy, in cdk-nag 3 and 2. */
function acknowledgeDefaultPolicy(role: iam.Role): void {
  const ids = ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].map((pack) => `${pack}-IAMNoInlinePolicy`);
  for (const id of ids) Validations.of(role).acknowledge({ id, reason: INLINE_REASON });
  NagSuppressions.addResourceSuppressions(role, ids.map((id) => ({ id, reason: INLINE_REASON })), true);
}

const FLEET_REASON = 'CameraFleet grants: the fleet\'s channels and streams by name prefix, limited by a condition to those tagged with the fleet id';

/** AwsSolutions-IAM5 acknowledged for the given kinesisvideo resources, in cdk-nag 3 and in cdk-nag 2. */
function acknowledgeFleetWildcards(role: iam.Role, resources: string[]): void {
  const stack = Stack.of(role);
  // cdk-nag prints a literal partition, region and account as they are, an unresolved one as <AWS::…>
  const literal = (value: string, pseudo: string) => Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value;
  const arn = `arn:${literal(stack.partition, 'Partition')}:kinesisvideo:${literal(stack.region, 'Region')}:${literal(stack.account, 'AccountId')}`;
  const findings = resources.map((r) => `Resource::${arn}:${r}`);
  // cdk-nag 3: one acknowledgement per finding, exact ids, on the role (its DefaultPolicy is a child)
  for (const finding of findings) {
    Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason: FLEET_REASON });
  }
  // cdk-nag 2: the same findings as appliesTo, applied to the role's children (its DefaultPolicy)
  NagSuppressions.addResourceSuppressions(role, [{ id: 'AwsSolutions-IAM5', reason: FLEET_REASON, appliesTo: findings }], true);
}
