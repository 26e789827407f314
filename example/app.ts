import { App } from 'aws-cdk-lib';
import { CameraStack } from './camera-stack';
import { DoorbellStack } from './doorbell-stack';
import { ViewersStack } from './viewers-stack';

const app = new App();
new CameraStack(app, 'WebRtcIngestionExample');
new DoorbellStack(app, 'DoorbellsExample');

// The end users' side needs your user pool, app client and the managed login's URL:
//   npx cdk synth -c userPoolId=eu-west-1_AbCdEf123 -c userPoolClientId=1example23456789 \
//     -c signInUrl=https://my-homes.auth.eu-west-1.amazoncognito.com HomeViewersExample
const userPoolId = app.node.tryGetContext('userPoolId');
const userPoolClientId = app.node.tryGetContext('userPoolClientId');
const signInUrl = app.node.tryGetContext('signInUrl');
if (userPoolId && userPoolClientId && signInUrl) {
  new ViewersStack(app, 'HomeViewersExample', { userPoolId, userPoolClientId, signInUrl });
}
app.synth();
