import { App } from 'aws-cdk-lib';
import { CameraStack } from './camera-stack';
import { DoorbellStack } from './doorbell-stack';
import { ViewersStack } from './viewers-stack';

const app = new App();
new CameraStack(app, 'WebRtcIngestionExample');
new DoorbellStack(app, 'DoorbellsExample');

// The end users' side needs your user pool and app client:
//   npx cdk synth -c userPoolId=eu-west-1_AbCdEf123 -c userPoolClientId=1example23456789 HomeViewersExample
const userPoolId = app.node.tryGetContext('userPoolId');
const userPoolClientId = app.node.tryGetContext('userPoolClientId');
if (userPoolId && userPoolClientId) {
  new ViewersStack(app, 'HomeViewersExample', { userPoolId, userPoolClientId });
}
app.synth();
