/**
 * Stacks of N cameras, built three ways, for the benchmark (`npx projen bench`): with this
 * library camera by camera, with `CameraFleet`, and by hand as public CDK apps do it today (L1
 * resources, an `AwsCustomResource` per link, statements per camera). test/limits.test.ts builds
 * the same stacks, so that the limits it proves are those of the stacks the bench measures.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CfnSignalingChannel, CfnStream } from 'aws-cdk-lib/aws-kinesisvideo';
import * as cr from 'aws-cdk-lib/custom-resources';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { CameraFleet, WebRtcIngestion } from '../src';

export type Scenario = 'library' | 'fleet' | 'hand-written';

export const SCENARIOS: Scenario[] = ['library', 'fleet', 'hand-written'];

/** A new app with the feature flags `cdk init` gives a new project. */
export function newApp(outdir?: string): App {
  return new App({ outdir, context: { ...CURRENTLY_RECOMMENDED_FLAGS } });
}

const cameraName = (i: number) => `camera-${String(i).padStart(3, '0')}`;

/** Builds `count` cameras the given way into a new stack of `app`, with a shared master and viewer role. */
export function buildCameras(app: App, scenario: Scenario, count: number): Stack {
  // the same name for every count, so that sizes compare across counts
  const stack = new Stack(app, `Cameras-${scenario}`);
  const masterRole = new iam.Role(stack, 'MasterRole', { assumedBy: new iam.ServicePrincipal('credentials.iot.amazonaws.com') });
  const viewerRole = new iam.Role(stack, 'ViewerRole', { assumedBy: new iam.AccountRootPrincipal() });

  switch (scenario) {
    case 'library':
      for (let i = 0; i < count; i++) {
        const camera = new WebRtcIngestion(stack, cameraName(i), { channelName: cameraName(i), streamName: cameraName(i) });
        camera.grantMaster(masterRole);
        camera.grantViewer(viewerRole);
      }
      break;
    case 'fleet': {
      const fleet = new CameraFleet(stack, 'Fleet');
      for (let i = 0; i < count; i++) {
        fleet.addCamera(cameraName(i));
      }
      fleet.grantDeviceMaster(masterRole);
      fleet.grantViewer(viewerRole);
      break;
    }
    case 'hand-written':
      for (let i = 0; i < count; i++) {
        handWrittenCamera(stack, cameraName(i), masterRole, viewerRole);
      }
      break;
  }
  return stack;
}

/** One camera as public CDK apps write it by hand today. */
function handWrittenCamera(stack: Stack, name: string, masterRole: iam.Role, viewerRole: iam.Role): void {
  const channel = new CfnSignalingChannel(stack, `${name}Channel`, { name, type: 'SINGLE_MASTER', messageTtlSeconds: 60 });
  const stream = new CfnStream(stack, `${name}Stream`, { name, dataRetentionInHours: 24, mediaType: 'video/h264,audio/aac' });
  const linkCall = (status: string): cr.AwsSdkCall => ({
    service: 'KinesisVideo',
    action: 'UpdateMediaStorageConfiguration',
    parameters: {
      ChannelARN: channel.attrArn,
      MediaStorageConfiguration: status === 'ENABLED' ? { Status: status, StreamARN: stream.attrArn } : { Status: status },
    },
    physicalResourceId: cr.PhysicalResourceId.of(`${name}-link`),
  });
  new cr.AwsCustomResource(stack, `${name}Link`, {
    onCreate: linkCall('ENABLED'),
    onDelete: linkCall('DISABLED'),
    policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: [channel.attrArn] }),
    installLatestAwsSdk: false,
  });
  const statement = (actions: string[], resource: string) =>
    new iam.PolicyStatement({ actions: actions.map(a => `kinesisvideo:${a}`), resources: [resource] });
  const signaling = ['DescribeSignalingChannel', 'DescribeMediaStorageConfiguration', 'GetSignalingChannelEndpoint', 'GetIceServerConfig'];
  const streamWrite = ['GetDataEndpoint', 'DescribeStream', 'PutMedia'];
  masterRole.addToPolicy(statement([...signaling, 'ConnectAsMaster', 'JoinStorageSession'], channel.attrArn));
  masterRole.addToPolicy(statement(streamWrite, stream.attrArn));
  viewerRole.addToPolicy(statement([...signaling, 'ConnectAsViewer', 'JoinStorageSessionAsViewer'], channel.attrArn));
  viewerRole.addToPolicy(statement(streamWrite, stream.attrArn));
}
