import { App } from 'aws-cdk-lib';
import { CameraStack } from './camera-stack';
import { DoorbellStack } from './doorbell-stack';

const app = new App();
new CameraStack(app, 'WebRtcIngestionExample');
new DoorbellStack(app, 'DoorbellsExample');
app.synth();
