// A consumer's CDK app in plain JavaScript, against the installed npm package (no TypeScript,
// no source of the library): one camera, and a device role granted master.
const { App, Duration, Stack } = require('aws-cdk-lib');
const iam = require('aws-cdk-lib/aws-iam');
const { WebRtcIngestion } = require('cdk-kinesis-video-webrtc');

const app = new App();
const stack = new Stack(app, 'ConsumerSmoke');

const camera = new WebRtcIngestion(stack, 'FrontDoor', { retention: Duration.days(7) });
const deviceRole = new iam.Role(stack, 'DeviceRole', {
  assumedBy: new iam.ServicePrincipal('credentials.iot.amazonaws.com'),
});
camera.grantMaster(deviceRole);

app.synth();
