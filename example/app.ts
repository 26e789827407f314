import { App } from 'aws-cdk-lib';
import { CameraStack } from './camera-stack';

const app = new App();
new CameraStack(app, 'WebRtcIngestionExample');
app.synth();
