import { CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { CameraFleet, CameraOnboarding, DeviceIdentity } from '../src';

/**
 * Doorbells that come and go: each AWS IoT thing named `doorbell-...` gets a recorded camera
 * when it is registered, and loses it (recordings kept) when it is deleted. The devices sign in
 * through the AWS IoT credentials provider. Each doorbell belongs to a home: the backend registers
 * its thing with the attribute `accessGroup` (e.g. `smith`), which becomes the camera's access
 * group, and the viewing app's sessions, tagged with the viewer's home, watch that home's
 * doorbells and no other.
 */
export class DoorbellStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const doorbells = new CameraFleet(this, 'Doorbells', { namePrefix: 'doorbell-', retention: Duration.days(7) });
    const devices = new DeviceIdentity(this, 'DoorbellDevices', { fleet: doorbells });
    const onboarding = new CameraOnboarding(this, 'DoorbellOnboarding', {
      fleet: doorbells,
      // leave room for the account's other storage-enabled channels (100 per account and region)
      storageBudget: 80,
      // the thing attribute that names a doorbell's home (the default)
      accessGroupAttribute: 'accessGroup',
    });

    // The viewing app's backend hands out sessions of this role to signed-in users, each tagged
    // with the user's home (session tag cdk-kinesis-video-webrtc:access-group = 'smith'): a user
    // watches and plays back the doorbells of their own home only.
    const viewerRole = new iam.Role(this, 'ViewerRole', {
      assumedBy: new iam.AccountRootPrincipal().withSessionTags(),
      description: 'Assumed by the viewing app, with the viewer\'s home as session tag, to watch that home\'s doorbells',
    });
    doorbells.grantViewerByAccessGroup(viewerRole);
    doorbells.grantPlaybackByAccessGroup(viewerRole);
    // The backend may announce a doorbell before it is provisioned, and list the doorbells.
    const backendRole = new iam.Role(this, 'BackendRole', {
      assumedBy: new iam.AccountRootPrincipal(),
      description: 'Assumed by the backend that provisions doorbells',
    });
    onboarding.grantSendCameraNames(backendRole);
    onboarding.grantListCameras(backendRole);
    // Only the backend decides a doorbell's home: CreateThing / UpdateThing with
    // attributePayload { attributes: { accessGroup: 'smith' } } (the devices cannot).
    backendRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['iot:CreateThing', 'iot:UpdateThing', 'iot:DescribeThing'],
      resources: [this.formatArn({ service: 'iot', resource: 'thing', resourceName: 'doorbell-*' })],
    }));

    new CfnOutput(this, 'RoleAliasName', { value: devices.roleAliasName });
    new CfnOutput(this, 'OnboardingQueueUrl', { value: onboarding.queue.queueUrl });
    // the commands of the README's "Run-time cameras" read these names from the stack's outputs
    new CfnOutput(this, 'OnboardingWorkerName', { value: onboarding.worker.functionName });
    new CfnOutput(this, 'OnboardingListFunctionName', { value: onboarding.listFunction.functionName });
  }
}
