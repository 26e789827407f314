import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { INGESTION_MASTER_CHANNEL_ACTIONS, INGESTION_VIEWER_CHANNEL_ACTIONS, STREAM_WRITE_ACTIONS } from './expected-grants';
import { sorted, statementsForService, statementsOfPrincipal as statementsOf } from './util/iam-statements';
import { getAttArn } from './util/intrinsics';
import { CameraStack } from '../example/camera-stack';

/** The feature flags the example app is synthesized with (example/cdk.json), so the snapshot is what `cdk synth` produces. */
const exampleContext = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'example', 'cdk.json'), 'utf-8')).context;

function synthExample(): Template {
  const app = new App({ context: exampleContext });
  const stack = new CameraStack(app, 'WebRtcIngestionExample');
  return Template.fromStack(stack);
}

const template = synthExample();

function onlyId(type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter(id => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0];
}

test('example CameraStack snapshot', () => {
  expect(template.toJSON()).toMatchSnapshot();
});

test('one named camera: channel and stream called front-door, 7 days of recordings, linked', () => {
  template.resourceCountIs('AWS::KinesisVideo::SignalingChannel', 1);
  template.resourceCountIs('AWS::KinesisVideo::Stream', 1);
  template.resourceCountIs('Custom::KinesisVideoMediaStorageLink', 1);
  template.resourceCountIs('AWS::Lambda::Function', 1);
  template.hasResourceProperties('AWS::KinesisVideo::SignalingChannel', Match.objectEquals({
    Name: 'front-door',
    Type: 'SINGLE_MASTER',
    MessageTtlSeconds: 60,
    Tags: [{ Key: 'cdk-kinesis-video-webrtc:stack-id', Value: { Ref: 'AWS::StackId' } }],
  }));
  template.hasResource('AWS::KinesisVideo::Stream', {
    Properties: Match.objectEquals({ Name: 'front-door', DataRetentionInHours: 168, MediaType: 'video/h264,audio/aac' }),
    DeletionPolicy: 'Retain',
  });
  const channel = onlyId('AWS::KinesisVideo::SignalingChannel', 'FrontDoor');
  const stream = onlyId('AWS::KinesisVideo::Stream', 'FrontDoor');
  template.hasResourceProperties('Custom::KinesisVideoMediaStorageLink', {
    ChannelArn: getAttArn(channel),
    StreamArn: getAttArn(stream),
  });
});

test('the device role is the master and the viewer role the viewer, each with exactly the documented actions', () => {
  const channel = getAttArn(onlyId('AWS::KinesisVideo::SignalingChannel', 'FrontDoor'));
  const stream = getAttArn(onlyId('AWS::KinesisVideo::Stream', 'FrontDoor'));
  const device = statementsOf(template, onlyId('AWS::IAM::Role', 'DeviceRole'));
  const viewer = statementsOf(template, onlyId('AWS::IAM::Role', 'ViewerRole'));
  const byResource = (statements: typeof device) =>
    Object.fromEntries(statements.map(s => [JSON.stringify(s.resources), sorted(s.actions)]));

  expect(statementsForService(device, 'kinesisvideo')).toHaveLength(2);
  expect(device).toHaveLength(2);
  expect(byResource(device)).toEqual({
    [JSON.stringify([channel])]: sorted(INGESTION_MASTER_CHANNEL_ACTIONS),
    [JSON.stringify([stream])]: sorted(STREAM_WRITE_ACTIONS),
  });
  expect(viewer).toHaveLength(2);
  expect(byResource(viewer)).toEqual({
    [JSON.stringify([channel])]: sorted(INGESTION_VIEWER_CHANNEL_ACTIONS),
    [JSON.stringify([stream])]: sorted(STREAM_WRITE_ACTIONS),
  });

  template.hasResourceProperties('AWS::IAM::Role', {
    AssumeRolePolicyDocument: {
      Statement: [Match.objectLike({ Principal: { Service: 'credentials.iot.amazonaws.com' } })],
    },
  });
});

test('outputs: the ARNs and names of the camera and the roles', () => {
  const outputs = template.toJSON().Outputs;
  expect(Object.keys(outputs).sort()).toEqual(['ChannelArn', 'ChannelName', 'DeviceRoleArn', 'StreamArn', 'StreamName', 'ViewerRoleArn']);
  template.hasOutput('ChannelArn', { Value: getAttArn(onlyId('AWS::KinesisVideo::SignalingChannel', 'FrontDoor')) });
  template.hasOutput('StreamName', { Value: { Ref: onlyId('AWS::KinesisVideo::Stream', 'FrontDoor') } });
});

test('the example synthesizes identically twice', () => {
  expect(JSON.stringify(synthExample().toJSON())).toBe(JSON.stringify(template.toJSON()));
});
