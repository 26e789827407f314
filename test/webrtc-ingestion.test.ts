import { App, CfnParameter, Duration, PhysicalName, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { INGESTION_MASTER_CHANNEL_ACTIONS, INGESTION_VIEWER_CHANNEL_ACTIONS, KEY_READ_ACTIONS, KEY_WRITE_ACTIONS, STREAM_PLAYBACK_ACTIONS, STREAM_WRITE_ACTIONS } from './expected-grants';
import { IWebRtcIngestion, SignalingChannel, VideoStream, WebRtcIngestion } from '../src';
import { errorOf, expectValidationError } from './util/errors';
import { actionsOn, NormalizedStatement, sorted, statementsForService, statementsOfPrincipal } from './util/iam-statements';
import { getAttArn, resolveWithParameters } from './util/intrinsics';
import { logicalIdOf, newRole, newStack } from './util/stacks';
import { expectLinkedCamera, importedValue, onlyLogicalIdOfType } from './util/templates';
import { LINK_SCOPE_TAG_KEY as TAG_KEY } from '../src/private/tags-and-quotas';

const PROVIDER_ID = 'KinesisVideoMediaStorageLinkProvider';

const CHANNEL_ARN = 'arn:aws:kinesisvideo:eu-west-1:123456789012:channel/front-door/1700000000000';
const STREAM_ARN = 'arn:aws:kinesisvideo:eu-west-1:123456789012:stream/front-door/1700000000001';
const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555';

/** The logical ids of a camera's channel and stream. */
function idsOf(camera: WebRtcIngestion): { channel: string; stream: string } {
  return { channel: logicalIdOf(camera.channel), stream: logicalIdOf(camera.stream) };
}

/** The one statement whose resources are exactly `[resource]`. */
function onlyStatementOn(statements: NormalizedStatement[], resource: unknown): NormalizedStatement {
  const matching = statements.filter(s => JSON.stringify(s.resources) === JSON.stringify([resource]));
  expect(matching).toHaveLength(1);
  return matching[0];
}

/**
 * Asserts the kinesisvideo part of a policy: exactly one channel statement and one stream
 * statement, with exactly the given actions (in any order).
 */
function expectKinesisVideoStatements(
  statements: NormalizedStatement[],
  channelResource: unknown,
  channelActions: readonly string[],
  streamResource: unknown,
  streamActions: readonly string[],
): void {
  const kvs = statementsForService(statements, 'kinesisvideo');
  expect(kvs).toHaveLength(2);
  for (const s of kvs) {
    expect(s.effect).toBe('Allow');
    expect(s.condition).toBeUndefined();
  }
  expect(sorted(onlyStatementOn(kvs, channelResource).actions)).toEqual(sorted(channelActions));
  expect(sorted(onlyStatementOn(kvs, streamResource).actions)).toEqual(sorted(streamActions));
}

/** Grants each new role (by id) its method on `camera`, then returns the template and each role's statements. */
function grantEach(
  stack: Stack,
  camera: IWebRtcIngestion,
  grants: Record<string, 'grantMaster' | 'grantViewer' | 'grantPlayback'>,
): { template: Template; statements: Record<string, NormalizedStatement[]> } {
  const roles = Object.entries(grants).map(([id, method]) => {
    const role = newRole(stack, id);
    camera[method](role);
    return [id, role] as const;
  });
  const template = Template.fromStack(stack);
  return { template, statements: Object.fromEntries(roles.map(([id, role]) => [id, statementsOfPrincipal(template, logicalIdOf(role))])) };
}

function providerIds(template: Template): { fn: string; role: string; logGroup: string } {
  const only = (type: string): string => onlyLogicalIdOfType(template, type, PROVIDER_ID);
  return { fn: only('AWS::Lambda::Function'), role: only('AWS::IAM::Role'), logGroup: only('AWS::Logs::LogGroup') };
}

describe('WebRtcIngestion defaults', () => {
  let camera: WebRtcIngestion;
  let template: Template;
  let ids: { channel: string; stream: string };
  beforeAll(() => {
    const stack = newStack();
    camera = new WebRtcIngestion(stack, 'Camera');
    template = Template.fromStack(stack);
    ids = idsOf(camera);
  });

  test('one SINGLE_MASTER channel with a 60 s message TTL, no name, tagged with the stack id', () => {
    template.resourceCountIs('AWS::KinesisVideo::SignalingChannel', 1);
    template.hasResourceProperties('AWS::KinesisVideo::SignalingChannel', Match.objectEquals({
      Type: 'SINGLE_MASTER',
      MessageTtlSeconds: 60,
      Tags: [{ Key: TAG_KEY, Value: { Ref: 'AWS::StackId' } }],
    }));
  });

  test('the channel is deleted with the stack', () => {
    template.hasResource('AWS::KinesisVideo::SignalingChannel', {
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
  });

  test('one stream: 24 h retention, ingestion media type, no key, no name, retained', () => {
    template.resourceCountIs('AWS::KinesisVideo::Stream', 1);
    template.hasResource('AWS::KinesisVideo::Stream', {
      Properties: Match.objectEquals({
        DataRetentionInHours: 24,
        MediaType: 'video/h264,audio/aac',
        Tags: [{ Key: TAG_KEY, Value: { Ref: 'AWS::StackId' } }],
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('one link whose ChannelArn and StreamArn are exactly this camera\'s channel and stream', () => {
    const { fn } = providerIds(template);
    template.resourceCountIs('Custom::KinesisVideoMediaStorageLink', 1);
    template.hasResourceProperties('Custom::KinesisVideoMediaStorageLink', Match.objectEquals({
      ServiceToken: getAttArn(fn),
      ChannelArn: getAttArn(ids.channel),
      StreamArn: getAttArn(ids.stream),
      ServiceTimeout: '360',
    }));
    expect(logicalIdOf(camera.link.resource)).toBe(Object.keys(template.findResources('Custom::KinesisVideoMediaStorageLink'))[0]);
  });

  test('no IAM policy is created for users of the camera until something is granted', () => {
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });
});

describe('WebRtcIngestion props', () => {
  test('channelName and streamName name the resources', () => {
    const stack = newStack();
    new WebRtcIngestion(stack, 'Camera', { channelName: 'front-door-channel', streamName: 'front-door-stream' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::KinesisVideo::SignalingChannel', { Name: 'front-door-channel' });
    template.hasResourceProperties('AWS::KinesisVideo::Stream', { Name: 'front-door-stream' });
  });

  test.each([
    ['messageTtl sets MessageTtlSeconds', { messageTtl: Duration.seconds(30) }, 'AWS::KinesisVideo::SignalingChannel', { MessageTtlSeconds: 30 }],
    ['retention Duration.days(7) is 168 hours', { retention: Duration.days(7) }, 'AWS::KinesisVideo::Stream', { DataRetentionInHours: 168 }],
    ['retention of 1 hour, the minimum for ingestion', { retention: Duration.hours(1) }, 'AWS::KinesisVideo::Stream', { DataRetentionInHours: 1 }],
  ])('%s', (_, props, type, properties) => {
    const stack = newStack();
    new WebRtcIngestion(stack, 'Camera', props);
    Template.fromStack(stack).hasResourceProperties(type, properties);
  });

  test('encryptionKey: KmsKeyId is the key\'s ARN', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    const camera = new WebRtcIngestion(stack, 'Camera', { encryptionKey: key });
    Template.fromStack(stack).hasResourceProperties('AWS::KinesisVideo::Stream', { KmsKeyId: getAttArn(logicalIdOf(key)) });
    expect(camera.stream.encryptionKey).toBe(key);
  });

  test('mediaType replaces the ingestion default', () => {
    const stack = newStack();
    new WebRtcIngestion(stack, 'Camera', { mediaType: 'video/h264' });
    Template.fromStack(stack).hasResourceProperties('AWS::KinesisVideo::Stream', { MediaType: 'video/h264' });
  });

  test('removalPolicy DESTROY applies to the stream; the channel is deleted either way', () => {
    const stack = newStack();
    new WebRtcIngestion(stack, 'Camera', { removalPolicy: RemovalPolicy.DESTROY });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::KinesisVideo::Stream', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
    template.hasResource('AWS::KinesisVideo::SignalingChannel', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
  });

  test('removalPolicy RETAIN does not retain the channel', () => {
    const stack = newStack();
    new WebRtcIngestion(stack, 'Camera', { removalPolicy: RemovalPolicy.RETAIN });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::KinesisVideo::Stream', { DeletionPolicy: 'Retain' });
    template.hasResource('AWS::KinesisVideo::SignalingChannel', { DeletionPolicy: 'Delete' });
  });

  test('every prop together', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    new WebRtcIngestion(stack, 'Camera', {
      channelName: 'c1',
      streamName: 's1',
      messageTtl: Duration.minutes(2),
      retention: Duration.hours(48),
      encryptionKey: key,
      mediaType: 'video/h264,audio/opus',
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const template = Template.fromStack(stack);
    expectLinkedCamera(template,
      { Name: 'c1', MessageTtlSeconds: 120 },
      { Name: 's1', DataRetentionInHours: 48, KmsKeyId: getAttArn(logicalIdOf(key)), MediaType: 'video/h264,audio/opus' },
      'Delete');
  });
});

describe('WebRtcIngestion attributes', () => {
  test('channelArn, streamArn, channelName and streamName resolve to the resources', () => {
    const stack = newStack();
    const camera = new WebRtcIngestion(stack, 'Camera');
    const ids = idsOf(camera);
    expect(stack.resolve(camera.channelArn)).toEqual(getAttArn(ids.channel));
    expect(stack.resolve(camera.streamArn)).toEqual(getAttArn(ids.stream));
    expect(stack.resolve(camera.channelName)).toEqual({ Ref: ids.channel });
    expect(stack.resolve(camera.streamName)).toEqual({ Ref: ids.stream });
    expect(camera.channelArn).toBe(camera.channel.signalingChannelArn);
    expect(camera.streamArn).toBe(camera.stream.videoStreamArn);
  });

  test('with literal names, the name attributes still resolve to the resources (creation order)', () => {
    const stack = newStack();
    const camera = new WebRtcIngestion(stack, 'Camera', { channelName: 'ch', streamName: 'st' });
    const ids = idsOf(camera);
    expect(stack.resolve(camera.channelName)).toEqual({ Ref: ids.channel });
    expect(stack.resolve(camera.streamName)).toEqual({ Ref: ids.stream });
  });
});

/** One default camera, one of its grants to a new role, and what the template says of it. */
function grantOnOneCamera(method: 'grantMaster' | 'grantViewer', roleId: string) {
  const stack = newStack();
  const camera = new WebRtcIngestion(stack, 'Camera');
  const role = newRole(stack, roleId);
  const grant = camera[method](role);
  const template = Template.fromStack(stack);
  return { role, grant, template, ids: idsOf(camera), statements: statementsOfPrincipal(template, logicalIdOf(role)) };
}

describe('WebRtcIngestion.grantMaster', () => {
  let role: iam.Role;
  let template: Template;
  let ids: { channel: string; stream: string };
  beforeAll(() => {
    ({ role, template, ids } = grantOnOneCamera('grantMaster', 'DeviceRole'));
  });

  test('also as a template assertion: the policy is exactly these two statements', () => {
    // Written out on purpose, in the order the template has them: Match.arrayEquals is order-sensitive.
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalIdOf(role) }],
      PolicyDocument: {
        Statement: Match.arrayEquals([
          Match.objectEquals({
            Effect: 'Allow',
            Action: Match.arrayEquals([
              'kinesisvideo:DescribeSignalingChannel',
              'kinesisvideo:GetSignalingChannelEndpoint',
              'kinesisvideo:GetIceServerConfig',
              'kinesisvideo:ConnectAsMaster',
              'kinesisvideo:DescribeMediaStorageConfiguration',
              'kinesisvideo:JoinStorageSession',
            ]),
            Resource: getAttArn(ids.channel),
          }),
          Match.objectEquals({
            Effect: 'Allow',
            Action: Match.arrayEquals(['kinesisvideo:DescribeStream', 'kinesisvideo:GetDataEndpoint', 'kinesisvideo:PutMedia']),
            Resource: getAttArn(ids.stream),
          }),
        ]),
      },
    });
  });
});

describe('WebRtcIngestion grants with a customer-managed key (what each grant holds: test/webrtc-ingestion.grants.test.ts)', () => {
  let template: Template;
  let keyId: string;
  let otherKeyId: string;
  beforeAll(() => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    const otherKey = new kms.Key(stack, 'OtherKey');
    const camera = new WebRtcIngestion(stack, 'Camera', { encryptionKey: key });
    camera.grantMaster(newRole(stack, 'Master'));
    camera.grantViewer(newRole(stack, 'Viewer'));
    camera.grantPlayback(newRole(stack, 'Player'));
    template = Template.fromStack(stack);
    keyId = logicalIdOf(key);
    otherKeyId = logicalIdOf(otherKey);
  });

  test('the key policies are not changed by the grants', () => {
    for (const k of [keyId, otherKeyId]) {
      const keyResource = template.toJSON().Resources[k];
      expect(keyResource.Properties.KeyPolicy.Statement).toHaveLength(1);
    }
  });
});

describe('grantees', () => {
  function expectMaster(statements: NormalizedStatement[], channel: unknown, stream: unknown): void {
    expectKinesisVideoStatements(statements, channel, INGESTION_MASTER_CHANNEL_ACTIONS, stream, STREAM_WRITE_ACTIONS);
  }

  test('iam.User', () => {
    const stack = newStack();
    const camera = new WebRtcIngestion(stack, 'Camera');
    const user = new iam.User(stack, 'User');
    camera.grantMaster(user);
    const ids = idsOf(camera);
    const statements = statementsOfPrincipal(Template.fromStack(stack), logicalIdOf(user));
    expect(statements).toHaveLength(2);
    expectMaster(statements, getAttArn(ids.channel), getAttArn(ids.stream));
  });

  test('lambda.Function: its role gets the statements', () => {
    const stack = newStack();
    const camera = new WebRtcIngestion(stack, 'Camera');
    const fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {};'),
    });
    camera.grantViewer(fn);
    const ids = idsOf(camera);
    const template = Template.fromStack(stack);
    const statements = statementsOfPrincipal(template, logicalIdOf(fn.role!));
    expect(statements).toHaveLength(2);
    expectKinesisVideoStatements(statements, getAttArn(ids.channel), INGESTION_VIEWER_CHANNEL_ACTIONS, getAttArn(ids.stream), STREAM_WRITE_ACTIONS);
  });

  test('iam.Role in another stack of the same app: cross-stack references through Fn::ImportValue', () => {
    const app = new App();
    const cameras = new Stack(app, 'Cameras');
    const consumers = new Stack(app, 'Consumers');
    const camera = new WebRtcIngestion(cameras, 'Camera');
    const role = newRole(consumers, 'DeviceRole');
    camera.grantMaster(role);

    const camerasTemplate = Template.fromStack(cameras);
    const consumersTemplate = Template.fromStack(consumers);
    const ids = idsOf(camera);
    const statements = statementsOfPrincipal(consumersTemplate, logicalIdOf(role));
    expect(statements).toHaveLength(2);

    // Every resource is an import of one of the camera stack's exports; follow it.
    const followed = statements.map(s => ({ ...s, resources: s.resources.map(r => importedValue(r, [camerasTemplate])) }));
    expectMaster(followed, getAttArn(ids.channel), getAttArn(ids.stream));

    // No link provider or camera resource leaks into the consumer stack.
    consumersTemplate.resourceCountIs('AWS::Lambda::Function', 0);
    consumersTemplate.resourceCountIs('AWS::KinesisVideo::SignalingChannel', 0);
    expect(consumers.dependencies.map(s => s.stackName)).toEqual(['Cameras']);
  });

  test('iam.Role: each grant holds principal statements and no resource statement', () => {
    const stack = newStack();
    const camera = new WebRtcIngestion(stack, 'Camera');
    const role = newRole(stack, 'Role');
    for (const grant of [camera.grantMaster(role), camera.grantViewer(role), camera.grantPlayback(role)]) {
      expect(grant.principalStatements.length).toBeGreaterThan(0);
      expect(grant.resourceStatements).toEqual([]);
    }
  });
});

describe('link provider', () => {
  function stackWithCameras(count: number, props?: { env?: { account: string; region: string } }): Stack {
    const stack = newStack('TestStack', props);
    for (let i = 0; i < count; i++) {
      new WebRtcIngestion(stack, `Camera${i}`);
    }
    return stack;
  }

  let template: Template;
  let provider: ReturnType<typeof providerIds>;
  beforeAll(() => {
    template = Template.fromStack(stackWithCameras(3));
    provider = providerIds(template);
  });

  test('3 cameras: one function, one role, one log group, three links served by that function', () => {
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.resourceCountIs('Custom::KinesisVideoMediaStorageLink', 3);
    template.resourceCountIs('AWS::KinesisVideo::SignalingChannel', 3);
    template.resourceCountIs('AWS::KinesisVideo::Stream', 3);
    const links = Object.values(template.findResources('Custom::KinesisVideoMediaStorageLink'));
    for (const link of links) {
      expect(link.Properties.ServiceToken).toEqual(getAttArn(provider.fn));
    }
    // each link points at a different channel and stream
    expect(new Set(links.map(l => JSON.stringify(l.Properties.ChannelArn))).size).toBe(3);
    expect(new Set(links.map(l => JSON.stringify(l.Properties.StreamArn))).size).toBe(3);
  });

  test('the function: nodejs24.x, 5 minute timeout, logging to the provider\'s log group, the provider role', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Timeout: 300,
      Handler: 'index.handler',
      LoggingConfig: Match.objectEquals({ LogGroup: { Ref: provider.logGroup } }),
      Role: getAttArn(provider.role),
    });
  });

  test('the provider role: only lambda.amazonaws.com, no managed policies', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectEquals({
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'lambda.amazonaws.com' },
        })],
      },
      ManagedPolicyArns: Match.absent(),
    });
  });

  test('the provider role\'s policy: three tag-scoped statements (channels: the link, its read, the owner record; streams: DescribeMappedResourceConfiguration) and one logs statement', () => {
    const statements = statementsOfPrincipal(template, provider.role);
    expect(statements).toHaveLength(4);
    const pseudo = { 'AWS::Partition': 'aws-partition', 'AWS::Region': 'the-region', 'AWS::AccountId': 'the-account' };

    // the owner record's statement is proven in test/private/media-storage-link-provider.test.ts
    const [link, , mapped] = statementsForService(statements, 'kinesisvideo');
    expect(statementsForService(statements, 'kinesisvideo')).toHaveLength(3);
    expect(link.effect).toBe('Allow');
    expect(link.actions).toEqual([
      'kinesisvideo:DescribeMediaStorageConfiguration', 'kinesisvideo:ListTagsForResource', 'kinesisvideo:UpdateMediaStorageConfiguration',
    ]);
    expect(link.resources).toHaveLength(1);
    expect(resolveWithParameters(link.resources[0], pseudo)).toBe('arn:aws-partition:kinesisvideo:the-region:the-account:channel/*');
    expect(link.condition).toEqual({ StringEquals: { [`aws:ResourceTag/${TAG_KEY}`]: { Ref: 'AWS::StackId' } } });

    expect(mapped.effect).toBe('Allow');
    expect(mapped.actions).toEqual(['kinesisvideo:DescribeMappedResourceConfiguration']);
    expect(mapped.resources).toHaveLength(1);
    expect(resolveWithParameters(mapped.resources[0], pseudo)).toBe('arn:aws-partition:kinesisvideo:the-region:the-account:stream/*');
    expect(mapped.condition).toEqual({ StringEquals: { [`aws:ResourceTag/${TAG_KEY}`]: { Ref: 'AWS::StackId' } } });

    const [logs] = statementsForService(statements, 'logs');
    expect(statementsForService(statements, 'logs')).toHaveLength(1);
    expect(logs.effect).toBe('Allow');
    expect(sorted(logs.actions)).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(logs.resources).toEqual([getAttArn(provider.logGroup)]);
    expect(logs.condition).toBeUndefined();
  });

  test('in a stack with an explicit environment, the channel and stream ARNs name that account and region', () => {
    const envTemplate = Template.fromStack(stackWithCameras(1, { env: { account: '111111111111', region: 'eu-west-1' } }));
    const [link, , mapped] = statementsForService(statementsOfPrincipal(envTemplate, providerIds(envTemplate).role), 'kinesisvideo');
    expect(resolveWithParameters(link.resources[0], { 'AWS::Partition': 'aws' }))
      .toBe('arn:aws:kinesisvideo:eu-west-1:111111111111:channel/*');
    expect(resolveWithParameters(mapped.resources[0], { 'AWS::Partition': 'aws' }))
      .toBe('arn:aws:kinesisvideo:eu-west-1:111111111111:stream/*');
  });

  test('two stacks of one app: one provider each', () => {
    const app = new App();
    const a = new Stack(app, 'A');
    const b = new Stack(app, 'B');
    new WebRtcIngestion(a, 'Camera1');
    new WebRtcIngestion(a, 'Camera2');
    new WebRtcIngestion(b, 'Camera1');
    for (const stack of [a, b]) {
      const t = Template.fromStack(stack);
      t.resourceCountIs('AWS::Lambda::Function', 1);
      const { fn } = providerIds(t);
      for (const link of Object.values(t.findResources('Custom::KinesisVideoMediaStorageLink'))) {
        expect(link.Properties.ServiceToken).toEqual(getAttArn(fn));
      }
    }
  });

  test('a camera in a nested construct still uses the stack\'s single provider', () => {
    const stack = stackWithCameras(1);
    const nested = new WebRtcIngestion(new Construct(new Construct(stack, 'Site'), 'Floor1'), 'Nested');
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Lambda::Function', 1);
    expect(t.toJSON().Resources[logicalIdOf(nested.link.resource)].Properties.ServiceToken).toEqual(getAttArn(providerIds(t).fn));
  });
});

describe('determinism', () => {
  function synth(): { json: string; s3Key: unknown } {
    const app = new App();
    const stack = new Stack(app, 'Cameras');
    const key = new kms.Key(stack, 'Key');
    const front = new WebRtcIngestion(stack, 'FrontDoor', { channelName: 'front-door', encryptionKey: key });
    const back = new WebRtcIngestion(stack, 'BackDoor', { retention: Duration.days(2) });
    const role = newRole(stack, 'Device');
    front.grantMaster(role);
    back.grantViewer(role);
    back.grantPlayback(role);
    const template = Template.fromStack(stack);
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0];
    return { json: JSON.stringify(template.toJSON()), s3Key: fn.Properties.Code.S3Key };
  }

  test('the same app synthesized twice gives identical templates and the same asset key', () => {
    const first = synth();
    const second = synth();
    expect(second.json).toBe(first.json);
    expect(first.s3Key).toMatch(/^[0-9a-f]{64}\.zip$/);
    expect(second.s3Key).toBe(first.s3Key);
  });
});

describe('WebRtcIngestion.fromWebRtcIngestionAttributes', () => {
  test('literal ARNs: grants land on the given ARNs, names are parsed, nothing is created', () => {
    const stack = newStack();
    const imported: IWebRtcIngestion = WebRtcIngestion.fromWebRtcIngestionAttributes(stack, 'Imported', {
      channelArn: CHANNEL_ARN,
      streamArn: STREAM_ARN,
    });
    expect(imported.channelArn).toBe(CHANNEL_ARN);
    expect(imported.streamArn).toBe(STREAM_ARN);
    expect(imported.channelName).toBe('front-door');
    expect(imported.streamName).toBe('front-door');
    expect(imported.stream.encryptionKey).toBeUndefined();

    const { template, statements } = grantEach(stack, imported, { Master: 'grantMaster', Viewer: 'grantViewer', Player: 'grantPlayback' });

    expect(statements.Master).toHaveLength(2);
    expectKinesisVideoStatements(statements.Master, CHANNEL_ARN, INGESTION_MASTER_CHANNEL_ACTIONS, STREAM_ARN, STREAM_WRITE_ACTIONS);
    expect(statements.Viewer).toHaveLength(2);
    expectKinesisVideoStatements(statements.Viewer, CHANNEL_ARN, INGESTION_VIEWER_CHANNEL_ACTIONS, STREAM_ARN, STREAM_WRITE_ACTIONS);
    const playerStatements = statements.Player;
    expect(playerStatements).toHaveLength(1);
    expect(playerStatements[0].resources).toEqual([STREAM_ARN]);
    expect(sorted(playerStatements[0].actions)).toEqual(sorted(STREAM_PLAYBACK_ACTIONS));

    template.resourceCountIs('AWS::KinesisVideo::SignalingChannel', 0);
    template.resourceCountIs('AWS::KinesisVideo::Stream', 0);
    template.resourceCountIs('Custom::KinesisVideoMediaStorageLink', 0);
    template.resourceCountIs('AWS::Lambda::Function', 0);
  });

  test('literal ARNs with an encryption key: KMS actions land on the given key', () => {
    const stack = new Stack(new App(), 'TestStack', { env: { account: '123456789012', region: 'eu-west-1' } });
    const key = kms.Key.fromKeyArn(stack, 'Key', KEY_ARN);
    const imported = WebRtcIngestion.fromWebRtcIngestionAttributes(stack, 'Imported', {
      channelArn: CHANNEL_ARN,
      streamArn: STREAM_ARN,
      encryptionKey: key,
    });
    expect(imported.stream.encryptionKey).toBe(key);
    const { statements } = grantEach(stack, imported, { Master: 'grantMaster', Player: 'grantPlayback' });

    expect(statements.Master).toHaveLength(3);
    expectKinesisVideoStatements(statements.Master, CHANNEL_ARN, INGESTION_MASTER_CHANNEL_ACTIONS, STREAM_ARN, STREAM_WRITE_ACTIONS);
    expect(actionsOn(statements.Master, KEY_ARN)).toEqual(sorted(KEY_WRITE_ACTIONS));
    const playerStatements = statements.Player;
    expect(playerStatements).toHaveLength(2);
    expect(actionsOn(playerStatements, KEY_ARN)).toEqual(sorted(KEY_READ_ACTIONS));
  });

  test('token ARNs from parameters: grants land on the parameters, names are parsed by CloudFormation', () => {
    const stack = newStack();
    const channelArn = new CfnParameter(stack, 'ChannelArn', { type: 'String' }).valueAsString;
    const streamArn = new CfnParameter(stack, 'StreamArn', { type: 'String' }).valueAsString;
    const imported = WebRtcIngestion.fromWebRtcIngestionAttributes(stack, 'Imported', { channelArn, streamArn });
    const role = newRole(stack, 'Master');
    imported.grantMaster(role);
    const statements = statementsOfPrincipal(Template.fromStack(stack), logicalIdOf(role));
    expect(statements).toHaveLength(2);
    expectKinesisVideoStatements(statements, { Ref: 'ChannelArn' }, INGESTION_MASTER_CHANNEL_ACTIONS, { Ref: 'StreamArn' }, STREAM_WRITE_ACTIONS);

    const parameters = { ChannelArn: CHANNEL_ARN, StreamArn: STREAM_ARN };
    expect(resolveWithParameters(stack.resolve(imported.channelName), parameters)).toBe('front-door');
    expect(resolveWithParameters(stack.resolve(imported.streamName), parameters)).toBe('front-door');
    expect(stack.resolve(imported.channelArn)).toEqual({ Ref: 'ChannelArn' });
    expect(stack.resolve(imported.streamArn)).toEqual({ Ref: 'StreamArn' });
  });

  test('a channel and a stream of different names', () => {
    const stack = newStack();
    const imported = WebRtcIngestion.fromWebRtcIngestionAttributes(stack, 'Imported', {
      channelArn: 'arn:aws-cn:kinesisvideo:cn-north-1:123456789012:channel/my.channel_1/1',
      streamArn: 'arn:aws-cn:kinesisvideo:cn-north-1:123456789012:stream/my-stream/2',
    });
    expect(imported.channelName).toBe('my.channel_1');
    expect(imported.streamName).toBe('my-stream');
  });

  test.each([
    ['a channel ARN of another service', { channelArn: CHANNEL_ARN.replace(':kinesisvideo:', ':kinesis:'), streamArn: STREAM_ARN }, /channelArn/i],
    ['a stream ARN where a channel ARN is expected', { channelArn: STREAM_ARN, streamArn: STREAM_ARN }, /channelArn/i],
    ['a stream ARN of another service', { channelArn: CHANNEL_ARN, streamArn: STREAM_ARN.replace(':kinesisvideo:', ':kinesis:') }, /streamArn/i],
    ['a channel ARN where a stream ARN is expected', { channelArn: CHANNEL_ARN, streamArn: CHANNEL_ARN }, /streamArn/i],
    ['an ARN without the creation time', { channelArn: 'arn:aws:kinesisvideo:eu-west-1:123456789012:channel/front-door', streamArn: STREAM_ARN }, /channelArn/i],
    ['not an ARN', { channelArn: CHANNEL_ARN, streamArn: 'front-door' }, /streamArn/i],
  ])('invalid literal ARN throws naming the argument: %s', (_name, attrs, argument) => {
    const stack = newStack();
    expect(() => WebRtcIngestion.fromWebRtcIngestionAttributes(stack, 'Imported', attrs)).toThrow(argument);
  });

  test('invalid literal ARN: the message names fromWebRtcIngestionAttributes\' own property (channelArn / streamArn)', () => {
    const stack = newStack();
    expect(() => WebRtcIngestion.fromWebRtcIngestionAttributes(stack, 'A', { channelArn: STREAM_ARN, streamArn: STREAM_ARN }))
      .toThrow(/invalid channelArn\b/);
    expect(() => WebRtcIngestion.fromWebRtcIngestionAttributes(stack, 'B', { channelArn: CHANNEL_ARN, streamArn: CHANNEL_ARN }))
      .toThrow(/invalid streamArn\b/);
  });

  test('the error quotes the rejected ARN and the expected form', () => {
    const stack = newStack();
    expect(() => WebRtcIngestion.fromWebRtcIngestionAttributes(stack, 'Imported', { channelArn: STREAM_ARN, streamArn: STREAM_ARN }))
      .toThrow(`'${STREAM_ARN}'`);
    expect(() => WebRtcIngestion.fromWebRtcIngestionAttributes(stack, 'Imported2', { channelArn: STREAM_ARN, streamArn: STREAM_ARN }))
      .toThrow(/channel\/<name>\/<creation-time>/);
  });
});

describe('WebRtcIngestion used from another environment', () => {
  const ACCOUNT = '111111111111';
  function stacks() {
    const app = new App();
    const roles = new Stack(app, 'Roles', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const cameras = new Stack(app, 'Cameras', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    return { roles, cameras, role: newRole(roles) };
  }

  test('an unnamed camera granted to a role of another region is refused, naming channelName of the camera', () => {
    const { cameras, role } = stacks();
    const camera = new WebRtcIngestion(cameras, 'Door');
    const error = errorOf(() => camera.grantMaster(role));
    expectValidationError(error, 'channelName', "'Cameras/Door'");
    expect(error.message).not.toMatch(/signalingChannelName/);
    expect(error.message).toMatch(/replaces it/);
  });

  test('a camera with a channel name but no stream name is refused, naming streamName', () => {
    const { cameras, role } = stacks();
    const camera = new WebRtcIngestion(cameras, 'Door', { channelName: 'door' });
    const error = errorOf(() => camera.grantPlayback(role));
    expectValidationError(error, 'streamName', "'Cameras/Door'");
    expect(error.message).not.toMatch(/videoStreamName/);
  });

  test('named, or PhysicalName.GENERATE_IF_NEEDED: granted across regions', () => {
    const { roles, cameras, role } = stacks();
    new WebRtcIngestion(cameras, 'Door', { channelName: 'door', streamName: 'door' }).grantMaster(role);
    new WebRtcIngestion(cameras, 'Gate', { channelName: PhysicalName.GENERATE_IF_NEEDED, streamName: PhysicalName.GENERATE_IF_NEEDED }).grantViewer(role);
    const policies = JSON.stringify(Template.fromStack(roles).findResources('AWS::IAM::Policy'));
    expect(policies).toContain(`:kinesisvideo:eu-west-1:${ACCOUNT}:channel/door/*`);
    expect(policies).toMatch(new RegExp(`:kinesisvideo:eu-west-1:${ACCOUNT}:stream/(?!door/)[a-zA-Z0-9_.-]+/\\*`));
  });
});

describe('physical names', () => {
  /**
   * Physical names go through `Resource.physicalName`, so `PhysicalName.GENERATE_IF_NEEDED`
   * works (passed raw to the L1, it fails synthesis with "Invalid physical name passed to
   * CloudFormation"), and an unnamed resource is still named by CloudFormation.
   */

  const ENV = { account: '111111111111', region: 'us-east-1' };

  describe('PhysicalName.GENERATE_IF_NEEDED, used in one environment', () => {

    test('WebRtcIngestion passes it on to both resources', () => {
      const stack = newStack('Stack', { env: ENV });
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
      const stack = newStack('Stack', { env: ENV });
      const channel = new SignalingChannel(stack, 'Channel', { signalingChannelName: 'front-door' });
      const stream = new VideoStream(stack, 'Stream', { videoStreamName: 'front-door' });
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::KinesisVideo::SignalingChannel', { Name: 'front-door' });
      template.hasResourceProperties('AWS::KinesisVideo::Stream', { Name: 'front-door' });
      expect(stack.resolve(channel.signalingChannelName)).toEqual({ Ref: stack.getLogicalId(channel.node.defaultChild as any) });
      expect(stack.resolve(stream.videoStreamName)).toEqual({ Ref: stack.getLogicalId(stream.node.defaultChild as any) });
    });

    test('unnamed, in one environment: no Name, the ARN a GetAtt (the template as before)', () => {
      const stack = newStack('Stack', { env: ENV });
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
});
