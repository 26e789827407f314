import { App, PhysicalName, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SignalingChannel, VideoStream, WebRtcIngestion } from '../src';

/**
 * Physical names go through `Resource.physicalName`, so `PhysicalName.GENERATE_IF_NEEDED`
 * works (passed raw to the L1, it fails synthesis with "Invalid physical name passed to
 * CloudFormation"), and an unnamed resource is still named by CloudFormation.
 */

const ENV = { account: '111111111111', region: 'us-east-1' };

function newStack(): Stack {
  return new Stack(new App(), 'Stack', { env: ENV });
}

describe('PhysicalName.GENERATE_IF_NEEDED, used in one environment', () => {
  test('SignalingChannel: synthesizes, and CloudFormation names the channel', () => {
    const stack = newStack();
    const channel = new SignalingChannel(stack, 'Channel', { signalingChannelName: PhysicalName.GENERATE_IF_NEEDED });
    channel.grantMaster(new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() }));
    Template.fromStack(stack).hasResourceProperties('AWS::KinesisVideo::SignalingChannel', {
      Name: Match.absent(),
      Type: 'SINGLE_MASTER',
    });
  });

  test('VideoStream: synthesizes, and CloudFormation names the stream', () => {
    const stack = newStack();
    const stream = new VideoStream(stack, 'Stream', { videoStreamName: PhysicalName.GENERATE_IF_NEEDED });
    stream.grantWrite(new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() }));
    Template.fromStack(stack).hasResourceProperties('AWS::KinesisVideo::Stream', {
      Name: Match.absent(),
      DataRetentionInHours: 24,
    });
  });

  test('WebRtcIngestion passes it on to both resources', () => {
    const stack = newStack();
    new WebRtcIngestion(stack, 'Camera', {
      channelName: PhysicalName.GENERATE_IF_NEEDED,
      streamName: PhysicalName.GENERATE_IF_NEEDED,
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::KinesisVideo::SignalingChannel', { Name: Match.absent() });
    template.hasResourceProperties('AWS::KinesisVideo::Stream', { Name: Match.absent() });
  });
});

describe('names given or not', () => {
  test('a literal name reaches the template, and the name attribute is a Ref', () => {
    const stack = newStack();
    const channel = new SignalingChannel(stack, 'Channel', { signalingChannelName: 'front-door' });
    const stream = new VideoStream(stack, 'Stream', { videoStreamName: 'front-door' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::KinesisVideo::SignalingChannel', { Name: 'front-door' });
    template.hasResourceProperties('AWS::KinesisVideo::Stream', { Name: 'front-door' });
    expect(stack.resolve(channel.signalingChannelName)).toEqual({ Ref: stack.getLogicalId(channel.node.defaultChild as any) });
    expect(stack.resolve(stream.videoStreamName)).toEqual({ Ref: stack.getLogicalId(stream.node.defaultChild as any) });
  });

  test('unnamed, in one environment: no Name, the ARN a GetAtt (the template as before)', () => {
    const stack = newStack();
    const channel = new SignalingChannel(stack, 'Channel');
    const stream = new VideoStream(stack, 'Stream');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    channel.grantViewer(role);
    stream.grantRead(role);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::KinesisVideo::SignalingChannel', { Name: Match.absent() });
    template.hasResourceProperties('AWS::KinesisVideo::Stream', { Name: Match.absent() });
    const channelId = stack.getLogicalId(channel.node.defaultChild as any);
    const streamId = stack.getLogicalId(stream.node.defaultChild as any);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Resource: { 'Fn::GetAtt': [channelId, 'Arn'] } }),
          Match.objectLike({ Resource: { 'Fn::GetAtt': [streamId, 'Arn'] } }),
        ]),
      },
    });
  });
});
