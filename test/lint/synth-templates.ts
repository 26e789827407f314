/**
 * Synthesizes the templates the suite is about into one directory, for cfn-lint (test/lint/cfn-lint.sh):
 * the example app (its camera and its doorbells, which come and go), a fleet with grants, a DeviceIdentity and a ViewerIdentity (environment-agnostic and with a literal environment)
 * and a fleet of 100 cameras. The integration test's templates are its committed snapshot.
 *
 *   ts-node --project test/tsconfig.json test/lint/synth-templates.ts OUTDIR
 */
import * as path from 'path';
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CameraStack } from '../../example/camera-stack';
import { DoorbellStack } from '../../example/doorbell-stack';
import { ViewersStack } from '../../example/viewers-stack';
import { CameraFleet, DeviceIdentity, ViewerIdentity } from '../../src';

const outdir = process.argv[2];
if (!outdir) {
  throw new Error('usage: synth-templates.ts OUTDIR');
}

function fleetStack(app: App, id: string, cameras: number, props?: StackProps): void {
  const stack = new Stack(app, id, props);
  const fleet = new CameraFleet(stack, 'Shop', {
    namePrefix: 'shop-',
    encryptionKey: new kms.Key(stack, 'FleetKey', { enableKeyRotation: true }),
  });
  for (let i = 0; i < cameras; i++) {
    fleet.addCamera(`camera-${i}`, { accessGroup: `site-${i % 3}` });
  }
  const ops = new iam.Role(stack, 'Ops', { assumedBy: new iam.AccountRootPrincipal() });
  const devices = new iam.Role(stack, 'Devices', { assumedBy: new iam.ServicePrincipal('credentials.iot.amazonaws.com') });
  fleet.grantMaster(ops);
  fleet.grantViewer(ops);
  fleet.grantPlayback(ops);
  fleet.grantDeviceMaster(devices);
  new DeviceIdentity(stack, 'DeviceIdentity', { fleet }); // the IoT role alias and policy, and their role
  const userPool = new cognito.UserPool(stack, 'Users', { customAttributes: { accessGroup: new cognito.StringAttribute({ mutable: true }) } });
  const userPoolClient = userPool.addClient('App', {
    readAttributes: new cognito.ClientAttributes().withCustomAttributes('accessGroup'),
    writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true }),
  });
  // the identity pool, its principal tags, role attachment and authenticated role
  new ViewerIdentity(stack, 'ViewerIdentity', { fleet, userPool, userPoolClient, allowMaster: true });
}

const app = new App({ outdir });
new CameraStack(app, 'WebRtcIngestionExample');
new ViewersStack(app, 'HomeViewersExample', {
  userPoolId: 'eu-west-1_AbCdEf123',
  userPoolClientId: '1example23456789',
  signInUrl: 'https://my-homes.auth.eu-west-1.amazoncognito.com',
});
new DoorbellStack(app, 'DoorbellsExample');
new DoorbellStack(app, 'DoorbellsExampleEu', { env: { account: '111111111111', region: 'eu-west-1' } });
fleetStack(app, 'Fleet', 3);
fleetStack(app, 'FleetEu', 3, { env: { account: '111111111111', region: 'eu-west-1' } });
fleetStack(app, 'Fleet100', 100);
const assembly = app.synth();
for (const stack of assembly.stacks) {
  console.log(path.resolve(outdir, stack.templateFile));
}
