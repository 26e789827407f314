import { CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { CameraFleet, CameraOnboarding, DeviceIdentity } from '../src';

/**
 * Doorbells that come and go: each AWS IoT thing named `doorbell-...` gets a recorded camera
 * when it is registered, and loses it (recordings kept) when it is deleted. The devices sign in
 * through the AWS IoT credentials provider; the viewing app watches every doorbell.
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
    });

    // The viewing app's backend hands out sessions of this role to signed-in users.
    const viewerRole = new iam.Role(this, 'ViewerRole', {
      assumedBy: new iam.AccountRootPrincipal(),
      description: 'Assumed by the viewing app to watch the doorbells',
    });
    doorbells.grantViewer(viewerRole);
    // The backend may announce a doorbell before it is provisioned, and list the doorbells.
    const backendRole = new iam.Role(this, 'BackendRole', {
      assumedBy: new iam.AccountRootPrincipal(),
      description: 'Assumed by the backend that provisions doorbells',
    });
    onboarding.grantSendCameraNames(backendRole);
    onboarding.grantListCameras(backendRole);

    new CfnOutput(this, 'RoleAliasName', { value: devices.roleAliasName });
    new CfnOutput(this, 'OnboardingQueueUrl', { value: onboarding.queue.queueUrl });
    new CfnOutput(this, 'OnboardingWorkerName', { value: onboarding.worker.functionName });
  }
}
