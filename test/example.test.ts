import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { INGESTION_MASTER_CHANNEL_ACTIONS, INGESTION_VIEWER_CHANNEL_ACTIONS, STREAM_WRITE_ACTIONS } from './expected-grants';
import { sorted, statementsForService, statementsOfPrincipal } from './util/iam-statements';
import { getAttArn } from './util/intrinsics';
import { expectLinkedCamera, maskAssetHashes, onlyLogicalIdOfType } from './util/templates';
import { CameraStack } from '../example/camera-stack';
import { DoorbellStack } from '../example/doorbell-stack';
import { ViewersStack } from '../example/viewers-stack';
import { ACCESS_GROUP_TAG_KEY } from '../src/private/tags-and-quotas';

/** The feature flags the example app is synthesized with (example/cdk.json), so the snapshot is what `cdk synth` produces. */
const exampleContext = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'example', 'cdk.json'), 'utf-8')).context;

function synthExample(): Template {
  const app = new App({ context: exampleContext });
  const stack = new CameraStack(app, 'WebRtcIngestionExample');
  return Template.fromStack(stack);
}

/** The template of the integration test, whose snapshot pins the handler's asset. */
const integTemplate = JSON.parse(fs.readFileSync(
  path.join(__dirname, 'integ.webrtc-ingestion.ts.snapshot', 'WebRtcIngestionInteg.template.json'), 'utf-8'));

let template: Template;
beforeAll(() => {
  template = synthExample();
});

const onlyId = (type: string, prefix: string): string => onlyLogicalIdOfType(template, type, prefix);

/** The S3 key of the link provider's handler code. */
const handlerS3Key = (t: Template) => {
  const fn = onlyLogicalIdOfType(t, 'AWS::Lambda::Function', 'KinesisVideoMediaStorageLinkProvider');
  return t.toJSON().Resources[fn].Properties.Code.S3Key;
};

// The handler's asset hash is masked: the integration snapshot pins it, once.
test('example CameraStack snapshot', () => {
  expect(maskAssetHashes(template.toJSON())).toMatchSnapshot();
});

test('the handler asset is the one the integration snapshot pins', () => {
  expect(handlerS3Key(template)).toMatch(/^[0-9a-f]{64}\.zip$/);
  expect(handlerS3Key(template)).toBe(handlerS3Key(Template.fromJSON(integTemplate)));
});

test('one named camera: channel and stream called front-door, 7 days of recordings, linked', () => {
  template.resourceCountIs('AWS::KinesisVideo::SignalingChannel', 1);
  template.resourceCountIs('AWS::KinesisVideo::Stream', 1);
  template.resourceCountIs('Custom::KinesisVideoMediaStorageLink', 1);
  template.resourceCountIs('AWS::Lambda::Function', 1);
  expectLinkedCamera(template,
    { Name: 'front-door', MessageTtlSeconds: 60 },
    { Name: 'front-door', DataRetentionInHours: 168, MediaType: 'video/h264,audio/aac' },
    'Retain');
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
  const device = statementsOfPrincipal(template, onlyId('AWS::IAM::Role', 'DeviceRole'));
  const viewer = statementsOfPrincipal(template, onlyId('AWS::IAM::Role', 'ViewerRole'));
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

describe('example ViewersStack (given a user pool and app client)', () => {
  const viewersTemplate = () => {
    const app = new App({ context: exampleContext });
    return Template.fromStack(new ViewersStack(app, 'HomeViewersExample', {
      userPoolId: 'eu-west-1_AbCdEf123',
      userPoolClientId: '1example23456789',
      signInUrl: 'https://my-homes.auth.eu-west-1.amazoncognito.com',
    }));
  };

  test('three cameras in two access groups, and one identity pool for the given user pool\'s authenticated users', () => {
    const t = viewersTemplate();
    const groups = Object.values(t.findResources('AWS::KinesisVideo::Stream'))
      .map((r) => r.Properties.Tags.find((tag: { Key: string }) => tag.Key === ACCESS_GROUP_TAG_KEY)?.Value).sort();
    expect(groups).toEqual(['jones', 'smith', 'smith']);
    t.resourceCountIs('AWS::Cognito::IdentityPool', 1);
    t.hasResourceProperties('AWS::Cognito::IdentityPool', {
      AllowUnauthenticatedIdentities: false,
      CognitoIdentityProviders: [Match.objectLike({ ClientId: '1example23456789' })],
    });
    t.hasResourceProperties('AWS::Cognito::IdentityPoolPrincipalTag', { PrincipalTags: { [ACCESS_GROUP_TAG_KEY]: 'custom:accessGroup' } });
    // the imported pool's clients are checked at deployment
    t.hasResourceProperties('Custom::UserPoolClientsGuard', { UserPoolId: 'eu-west-1_AbCdEf123', Attribute: 'custom:accessGroup' });
  });

  test('the web app for the viewers: one distribution, its address an output', () => {
    const t = viewersTemplate();
    t.resourceCountIs('AWS::CloudFront::Distribution', 1);
    const [distribution] = Object.keys(t.findResources('AWS::CloudFront::Distribution'));
    t.hasOutput('LiveViewUrl', { Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distribution, 'DomainName'] }, '/']] } });
  });
});

describe('example DoorbellStack: a home per doorbell', () => {
  const doorbells = () => Template.fromStack(new DoorbellStack(new App({ context: exampleContext }), 'DoorbellsExample'));

  test('outputs: what the run-time cameras guide\'s commands read (role alias, queue, worker and listing function)', () => {
    const t = doorbells();
    expect(Object.keys(t.toJSON().Outputs).sort())
      .toEqual(['OnboardingListFunctionName', 'OnboardingQueueUrl', 'OnboardingWorkerName', 'RoleAliasName']);
    const fn = (prefix: string) => ({ Ref: onlyLogicalIdOfType(t, 'AWS::Lambda::Function', prefix) });
    t.hasOutput('OnboardingWorkerName', { Value: fn('DoorbellOnboardingWorker') });
    t.hasOutput('OnboardingListFunctionName', { Value: fn('DoorbellOnboardingList') });
  });

  test('the viewers\' sessions reach the doorbells of their own home only; only the backend sets a doorbell\'s home', () => {
    const t = doorbells();
    const viewer = statementsOfPrincipal(t, onlyLogicalIdOfType(t, 'AWS::IAM::Role', 'ViewerRole'));
    expect(viewer.length).toBeGreaterThan(0);
    for (const statement of viewer.filter((s) => JSON.stringify(s.actions).includes('kinesisvideo:'))) {
      expect(statement.condition).toEqual({
        StringEquals: expect.objectContaining({
          'aws:ResourceTag/cdk-kinesis-video-webrtc:access-group': '${aws:PrincipalTag/cdk-kinesis-video-webrtc:access-group}',
        }),
      });
    }
    const backend = statementsOfPrincipal(t, onlyLogicalIdOfType(t, 'AWS::IAM::Role', 'BackendRole'));
    expect(backend.filter((s) => JSON.stringify(s.actions).includes('iot:')).map((s) => sorted(s.actions)))
      .toEqual([['iot:CreateThing', 'iot:DescribeThing', 'iot:UpdateThing']]);
    const env = Object.values(t.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { NAME_PREFIX: 'doorbell-' } } } }))[0];
    expect(env.Properties.Environment.Variables.ACCESS_GROUP_ATTRIBUTE).toBe('accessGroup');
  });
});
