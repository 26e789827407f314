import { CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { WebRtcIngestion } from '../src';

/**
 * One camera recorded through WebRTC ingestion, a device role for the camera and a role for
 * the viewing app.
 */
export class CameraStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const camera = new WebRtcIngestion(this, 'FrontDoor', {
      channelName: 'front-door',
      streamName: 'front-door',
      retention: Duration.days(7),
    });

    // The camera signs in with its X.509 certificate at the AWS IoT credentials provider,
    // which hands it temporary credentials of this role (through an IoT role alias).
    const deviceRole = new iam.Role(this, 'DeviceRole', {
      assumedBy: new iam.ServicePrincipal('credentials.iot.amazonaws.com'),
      description: 'Assumed by the front-door camera through the AWS IoT credentials provider',
    });
    camera.grantMaster(deviceRole);

    // The viewing app's backend hands out sessions of this role to signed-in users.
    const viewerRole = new iam.Role(this, 'ViewerRole', {
      assumedBy: new iam.AccountRootPrincipal(),
      description: 'Assumed by the viewing app to watch the front-door camera',
    });
    camera.grantViewer(viewerRole);

    new CfnOutput(this, 'ChannelArn', { value: camera.channelArn });
    new CfnOutput(this, 'ChannelName', { value: camera.channelName });
    new CfnOutput(this, 'StreamArn', { value: camera.streamArn });
    new CfnOutput(this, 'StreamName', { value: camera.streamName });
    new CfnOutput(this, 'DeviceRoleArn', { value: deviceRole.roleArn });
    new CfnOutput(this, 'ViewerRoleArn', { value: viewerRole.roleArn });
  }
}
