/**
 * Integration test of WebRtcIngestion, run by integ-runner (see the README's
 * "Integration test"). CI only compares the synthesized templates with the committed snapshot
 * (test/integ.webrtc-ingestion.ts.snapshot/); deploying it needs an AWS account:
 *
 *   npx projen integ:update
 *
 * deploys the stack, runs the assertions below against the real resources, destroys it, and
 * rewrites the snapshot.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { WebRtcIngestion } from '../src';

const app = new App();
const stack = new Stack(app, 'WebRtcIngestionInteg');

const camera = new WebRtcIngestion(stack, 'Camera', {
  retention: Duration.hours(1),
  // a test leaves nothing behind
  removalPolicy: RemovalPolicy.DESTROY,
});

const deviceRole = new iam.Role(stack, 'DeviceRole', {
  assumedBy: new iam.AccountRootPrincipal(),
  description: 'Integration test: the camera of WebRtcIngestionInteg',
});
camera.grantMaster(deviceRole);

const integ = new IntegTest(app, 'WebRtcIngestionTest', {
  testCases: [stack],
  // the link handler's asset hash is part of the snapshot: a change of the handler (or of
  // the SDK bundled into it) must show up as a snapshot change
  diffAssets: true,
});

// The custom resource linked the channel to the stream: ingestion is on, into this stream.
integ.assertions
  .awsApiCall('KinesisVideo', 'DescribeMediaStorageConfiguration', {
    ChannelARN: camera.channelArn,
  })
  .expect(ExpectedResult.objectLike({
    MediaStorageConfiguration: {
      Status: 'ENABLED',
      StreamARN: camera.streamArn,
    },
  }));

// The role granted master may describe the channel (IAM's own policy evaluation).
integ.assertions
  .awsApiCall('IAM', 'SimulatePrincipalPolicy', {
    PolicySourceArn: deviceRole.roleArn,
    ActionNames: ['kinesisvideo:DescribeSignalingChannel'],
    ResourceArns: [camera.channelArn],
  })
  .expect(ExpectedResult.objectLike({
    EvaluationResults: Match.arrayWith([
      Match.objectLike({
        EvalActionName: 'kinesisvideo:DescribeSignalingChannel',
        EvalDecision: 'allowed',
      }),
    ]),
  }));

// cfn-lint W1034 (deprecated runtime) on integ-tests' own assertion function: aws-cdk-lib picks its
// runtime per region from a map (LatestNodeRuntimeMap) that still names nodejs20.x in some regions.
// Not a resource of the library, nor one it could change: ignored on that function only.
for (const resource of app.node.findAll()) {
  if (CfnResource.isCfnResource(resource) && resource.cfnResourceType === 'AWS::Lambda::Function' && Stack.of(resource) !== stack) {
    resource.addMetadata('cfn-lint', { config: { ignore_checks: ['W1034'] } });
  }
}

app.synth();
