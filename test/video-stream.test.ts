import { App, CfnParameter, Duration, PhysicalName, RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CfnStream } from 'aws-cdk-lib/aws-kinesisvideo';
import * as kms from 'aws-cdk-lib/aws-kms';
import { KEY_READ_ACTIONS, KEY_WRITE_ACTIONS, STREAM_PLAYBACK_ACTIONS, STREAM_READ_ACTIONS, STREAM_WRITE_ACTIONS } from './expected-grants';
import { CameraFleet, IVideoStream, StorageTier, VideoStream, WebRtcIngestion } from '../src';
import { describeSimulatedGrants } from './util/building-block-simulation';
import { errorOf, expectValidationError } from './util/errors';
import { describeGrantCatalogue } from './util/grant-catalogue';
import { actionsOn, allActions, NormalizedStatement, sorted, statementsOfPrincipal } from './util/iam-statements';
import { getAttArn, resolveWithParameters } from './util/intrinsics';
import { logicalIdOf, newRole, newStack } from './util/stacks';

const STREAM_ARN = 'arn:aws:kinesisvideo:eu-west-1:123456789012:stream/front-door/1700000000000';
const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555';

function statementsOfRole(stack: Stack, role: iam.Role): NormalizedStatement[] {
  const statements = statementsOfPrincipal(Template.fromStack(stack), logicalIdOf(role));
  for (const s of statements) {
    expect(s.effect).toBe('Allow');
    expect(s.condition).toBeUndefined();
  }
  return statements;
}

type GrantMethod = 'grantWrite' | 'grantRead' | 'grantPlayback';
/** Each grant: its actions on the stream and on the stream's key, sorted. */
const GRANTS: Array<[GrantMethod, string[], string[]]> = [
  ['grantWrite', sorted(STREAM_WRITE_ACTIONS), sorted(KEY_WRITE_ACTIONS)],
  ['grantRead', sorted(STREAM_READ_ACTIONS), sorted(KEY_READ_ACTIONS)],
  ['grantPlayback', sorted(STREAM_PLAYBACK_ACTIONS), sorted(KEY_READ_ACTIONS)],
];

describe('VideoStream', () => {
  test('defaults: 24 h retention, no name, no key, no media type, retained', () => {
    const stack = newStack();
    new VideoStream(stack, 'Stream');
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KinesisVideo::Stream', 1);
    template.hasResource('AWS::KinesisVideo::Stream', {
      Properties: Match.objectEquals({ DataRetentionInHours: 24 }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.resourceCountIs('AWS::KinesisVideo::SignalingChannel', 0);
    template.resourceCountIs('Custom::KinesisVideoMediaStorageLink', 0);
    template.resourceCountIs('AWS::Lambda::Function', 0);
  });

  test('every prop', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    const stream = new VideoStream(stack, 'Stream', {
      videoStreamName: 'front-door',
      retention: Duration.days(30),
      encryptionKey: key,
      mediaType: 'video/h264',
      removalPolicy: RemovalPolicy.DESTROY,
    });
    expect(stream.encryptionKey).toBe(key);
    Template.fromStack(stack).hasResource('AWS::KinesisVideo::Stream', {
      Properties: Match.objectEquals({
        Name: 'front-door',
        DataRetentionInHours: 720,
        KmsKeyId: getAttArn(logicalIdOf(key)),
        MediaType: 'video/h264',
      }),
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
  });

  test.each([
    [Duration.hours(0), 0],
    [Duration.hours(1), 1],
    [Duration.days(7), 168],
    [Duration.hours(87_600), 87_600],
  ])('retention %s is DataRetentionInHours %d (0 allowed for a plain stream)', (retention, hours) => {
    const stack = newStack();
    new VideoStream(stack, 'Stream', { retention });
    Template.fromStack(stack).hasResourceProperties('AWS::KinesisVideo::Stream', { DataRetentionInHours: hours });
  });

  test('mediaType list', () => {
    const stack = newStack();
    new VideoStream(stack, 'Stream', { mediaType: 'video/h264,audio/aac' });
    Template.fromStack(stack).hasResourceProperties('AWS::KinesisVideo::Stream', { MediaType: 'video/h264,audio/aac' });
  });

  test('PhysicalName.GENERATE_IF_NEEDED in one environment: synthesizes, and CloudFormation names the stream', () => {
    const stack = newStack('Stack', { env: { account: '111111111111', region: 'us-east-1' } });
    const stream = new VideoStream(stack, 'Stream', { videoStreamName: PhysicalName.GENERATE_IF_NEEDED });
    stream.grantWrite(new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() }));
    Template.fromStack(stack).hasResourceProperties('AWS::KinesisVideo::Stream', {
      Name: Match.absent(),
      DataRetentionInHours: 24,
    });
  });

  test('removalPolicy RETAIN given explicitly', () => {
    const stack = newStack();
    new VideoStream(stack, 'Stream', { removalPolicy: RemovalPolicy.RETAIN });
    Template.fromStack(stack).hasResource('AWS::KinesisVideo::Stream', { DeletionPolicy: 'Retain' });
  });

  test('node.defaultChild is the CfnStream; Tags.of adds tags', () => {
    const stack = newStack();
    const stream = new VideoStream(stack, 'Stream');
    expect(stream.node.defaultChild).toBeInstanceOf(CfnStream);
    Tags.of(stream).add('team', 'video');
    Template.fromStack(stack).hasResourceProperties('AWS::KinesisVideo::Stream', {
      Tags: Match.arrayEquals([{ Key: 'team', Value: 'video' }]),
    });
  });

  test('attributes resolve to the resource', () => {
    const stack = newStack();
    const stream = new VideoStream(stack, 'Stream');
    const id = logicalIdOf(stream);
    expect(stack.resolve(stream.videoStreamArn)).toEqual(getAttArn(id));
    expect(stack.resolve(stream.videoStreamName)).toEqual({ Ref: id });
    expect(stream.encryptionKey).toBeUndefined();
  });
});

describe('VideoStream grants, AWS-managed key', () => {

  test('grant(grantee, ...actions): exactly the given actions on the stream', () => {
    const stack = newStack();
    const stream = new VideoStream(stack, 'Stream');
    const role = newRole(stack);
    stream.grant(role, 'kinesisvideo:UpdateDataRetention', 'kinesisvideo:DescribeStream');
    const statements = statementsOfRole(stack, role);
    expect(statements).toHaveLength(1);
    expect(sorted(statements[0].actions)).toEqual(['kinesisvideo:DescribeStream', 'kinesisvideo:UpdateDataRetention']);
    expect(statements[0].resources).toEqual([getAttArn(logicalIdOf(stream))]);
  });
});

describe('VideoStream grants, customer-managed key', () => {

  test('grant(...) adds nothing on the key', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    const stream = new VideoStream(stack, 'Stream', { encryptionKey: key });
    const role = newRole(stack);
    stream.grant(role, 'kinesisvideo:GetMedia');
    const statements = statementsOfRole(stack, role);
    expect(statements).toHaveLength(1);
    expect(statements[0].actions).toEqual(['kinesisvideo:GetMedia']);
    expect(statements[0].resources).toEqual([getAttArn(logicalIdOf(stream))]);
  });

  test('the key policy is not widened by the grants', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    const stream = new VideoStream(stack, 'Stream', { encryptionKey: key });
    const role = newRole(stack);
    stream.grantWrite(role);
    stream.grantRead(role);
    const keyPolicy = Template.fromStack(stack).toJSON().Resources[logicalIdOf(key)].Properties.KeyPolicy;
    expect(keyPolicy.Statement).toHaveLength(1);
    expect(JSON.stringify(keyPolicy)).not.toContain(logicalIdOf(role));
  });
});

describe('VideoStream imports', () => {
  test('fromVideoStreamArn with a literal ARN: name and env parsed, grants on the ARN, no KMS', () => {
    const stack = newStack();
    const imported: IVideoStream = VideoStream.fromVideoStreamArn(stack, 'Imported', STREAM_ARN);
    expect(imported.videoStreamArn).toBe(STREAM_ARN);
    expect(imported.videoStreamName).toBe('front-door');
    expect(imported.encryptionKey).toBeUndefined();
    expect(imported.env).toEqual({ account: '123456789012', region: 'eu-west-1' });
    const role = newRole(stack);
    imported.grantWrite(role);
    imported.grantPlayback(role);
    const statements = statementsOfRole(stack, role);
    expect(statements).toHaveLength(2);
    expect(statements.map(s => s.resources)).toEqual([[STREAM_ARN], [STREAM_ARN]]);
    expect(sorted(statements[0].actions)).toEqual(sorted(STREAM_WRITE_ACTIONS));
    expect(sorted(statements[1].actions)).toEqual(sorted(STREAM_PLAYBACK_ACTIONS));
    expect(allActions(statements).filter(a => a.startsWith('kms:'))).toEqual([]);
    Template.fromStack(stack).resourceCountIs('AWS::KinesisVideo::Stream', 0);
  });

  test.each(GRANTS)('fromVideoStreamAttributes with an encryptionKey: %s puts the KMS action on the given key', (method, actions, keyActions) => {
    const stack = newStack('TestStack', { env: { account: '123456789012', region: 'eu-west-1' } });
    const key = kms.Key.fromKeyArn(stack, 'Key', KEY_ARN);
    const imported = VideoStream.fromVideoStreamAttributes(stack, 'Imported', { videoStreamArn: STREAM_ARN, encryptionKey: key });
    expect(imported.encryptionKey).toBe(key);
    const role = newRole(stack);
    imported[method](role);
    const statements = statementsOfRole(stack, role);
    expect(statements).toHaveLength(2);
    expect(actionsOn(statements, STREAM_ARN)).toEqual(actions);
    expect(actionsOn(statements, KEY_ARN)).toEqual(keyActions);
  });

  test('fromVideoStreamAttributes with a key of the same stack', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    const imported = VideoStream.fromVideoStreamAttributes(stack, 'Imported', { videoStreamArn: STREAM_ARN, encryptionKey: key });
    const role = newRole(stack);
    imported.grantRead(role);
    const statements = statementsOfRole(stack, role);
    expect(actionsOn(statements, STREAM_ARN)).toEqual(sorted(STREAM_READ_ACTIONS));
    expect(actionsOn(statements, getAttArn(logicalIdOf(key)))).toEqual(sorted(KEY_READ_ACTIONS));
  });

  test('token ARN: grants on the token, name and env parsed by CloudFormation', () => {
    const stack = newStack();
    const arn = new CfnParameter(stack, 'StreamArn', { type: 'String' }).valueAsString;
    const imported = VideoStream.fromVideoStreamAttributes(stack, 'Imported', { videoStreamArn: arn });
    expect(Token.isUnresolved(imported.videoStreamName)).toBe(true);
    expect(resolveWithParameters(stack.resolve(imported.videoStreamName), { StreamArn: STREAM_ARN })).toBe('front-door');
    expect(resolveWithParameters(stack.resolve(imported.env.account), { StreamArn: STREAM_ARN })).toBe('123456789012');
    const role = newRole(stack);
    imported.grantWrite(role);
    const statements = statementsOfRole(stack, role);
    expect(statements).toHaveLength(1);
    expect(statements[0].resources).toEqual([{ Ref: 'StreamArn' }]);
    expect(sorted(statements[0].actions)).toEqual(sorted(STREAM_WRITE_ACTIONS));
  });

  test.each([
    ['a channel ARN', 'arn:aws:kinesisvideo:eu-west-1:123456789012:channel/front-door/1700000000000'],
    ['another service', 'arn:aws:kinesis:eu-west-1:123456789012:stream/front-door/1700000000000'],
    ['no creation time', 'arn:aws:kinesisvideo:eu-west-1:123456789012:stream/front-door'],
    ['a name', 'front-door'],
  ])('an invalid literal ARN (%s) throws naming videoStreamArn', (_name, arn) => {
    const stack = newStack();
    expect(() => VideoStream.fromVideoStreamArn(stack, 'Imported', arn)).toThrow(/invalid videoStreamArn/);
    expect(() => VideoStream.fromVideoStreamAttributes(stack, 'Imported2', { videoStreamArn: arn })).toThrow(/invalid videoStreamArn/);
  });
});

describe('VideoStream metrics', () => {
  type MetricMethod =
    | 'metricPutMediaIncomingBytes'
    | 'metricPutMediaIncomingFrames'
    | 'metricPutMediaSuccess'
    | 'metricPutMediaFragmentIngestionLatency'
    | 'metricPutMediaFragmentPersistLatency'
    | 'metricGetMediaSuccess'
    | 'metricGetMediaMillisBehindNow';

  const METRICS: Array<[MetricMethod, string, string]> = [
    ['metricPutMediaIncomingBytes', 'PutMedia.IncomingBytes', 'Sum'],
    ['metricPutMediaIncomingFrames', 'PutMedia.IncomingFrames', 'Sum'],
    ['metricPutMediaSuccess', 'PutMedia.Success', 'Average'],
    ['metricPutMediaFragmentIngestionLatency', 'PutMedia.FragmentIngestionLatency', 'Average'],
    ['metricPutMediaFragmentPersistLatency', 'PutMedia.FragmentPersistLatency', 'Average'],
    ['metricGetMediaSuccess', 'GetMedia.Success', 'Average'],
    ['metricGetMediaMillisBehindNow', 'GetMedia.MillisBehindNow', 'Maximum'],
  ];

  test.each(METRICS)('%s: %s, default statistic %s, StreamName = the stream\'s Ref', (method, metricName, statistic) => {
    const stack = newStack();
    const stream = new VideoStream(stack, 'Stream');
    const metric = stream[method]();
    expect(metric.namespace).toBe('AWS/KinesisVideo');
    expect(metric.metricName).toBe(metricName);
    expect(metric.statistic).toBe(statistic);
    expect(metric.period.toSeconds()).toBe(300);
    expect(Object.keys(metric.dimensions ?? {})).toEqual(['StreamName']);
    expect(stack.resolve(metric.dimensions!.StreamName)).toEqual({ Ref: logicalIdOf(stream) });
  });

  test.each(METRICS)('%s: props override period and statistic', (method, metricName) => {
    const stack = newStack();
    const stream = new VideoStream(stack, 'Stream');
    const metric = stream[method]({ period: Duration.minutes(1), statistic: cloudwatch.Stats.p(99), label: 'mine' });
    expect(metric.metricName).toBe(metricName);
    expect(metric.period.toSeconds()).toBe(60);
    expect(metric.statistic).toBe('p99');
    expect(metric.label).toBe('mine');
    expect(stack.resolve(metric.dimensions!.StreamName)).toEqual({ Ref: logicalIdOf(stream) });
  });

  test.each(METRICS)('%s of an imported literal ARN: StreamName is the parsed name', (method, metricName, statistic) => {
    const stack = newStack();
    const metric = VideoStream.fromVideoStreamArn(stack, 'Imported', STREAM_ARN)[method]();
    expect(metric.metricName).toBe(metricName);
    expect(metric.statistic).toBe(statistic);
    expect(metric.dimensions).toEqual({ StreamName: 'front-door' });
  });

  test('metric(name, props): any metric name, default statistic Average', () => {
    const stack = newStack();
    const stream = new VideoStream(stack, 'Stream');
    const metric = stream.metric('ListFragments.Latency', { statistic: 'Maximum' });
    expect(metric.namespace).toBe('AWS/KinesisVideo');
    expect(metric.metricName).toBe('ListFragments.Latency');
    expect(metric.statistic).toBe('Maximum');
    expect(stack.resolve(metric.dimensions!.StreamName)).toEqual({ Ref: logicalIdOf(stream) });
    expect(stream.metric('GetClip.Success').statistic).toBe('Average');
  });

  test('a metric renders into an alarm on the stream', () => {
    const stack = newStack();
    const stream = new VideoStream(stack, 'Stream');
    stream.metricPutMediaSuccess().createAlarm(stack, 'Alarm', { threshold: 0.9, evaluationPeriods: 3 });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/KinesisVideo',
      MetricName: 'PutMedia.Success',
      Statistic: 'Average',
      Period: 300,
      Dimensions: [{ Name: 'StreamName', Value: { Ref: logicalIdOf(stream) } }],
    });
  });
});

describe('VideoStream used from another environment', () => {
  const ACCOUNT = '111111111111';
  function stacks() {
    const app = new App();
    const roles = new Stack(app, 'Roles', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const media = new Stack(app, 'Media', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    return { roles, media, role: newRole(roles) };
  }

  test('unnamed, granted to a role of another region: refused, naming videoStreamName and warning of the replacement', () => {
    const { media, role } = stacks();
    const stream = new VideoStream(media, 'Lobby');
    const error = errorOf(() => stream.grantPlayback(role));
    expectValidationError(error, 'videoStreamName', "'Media/Lobby'");
    expect(error.message).toMatch(/replaces it/);
  });

  test('PhysicalName.GENERATE_IF_NEEDED still works: CDK generates the name, the grant names it', () => {
    const { roles, media, role } = stacks();
    const stream = new VideoStream(media, 'Lobby', { videoStreamName: PhysicalName.GENERATE_IF_NEEDED });
    stream.grantPlayback(role);
    const name = Template.fromStack(media).toJSON().Resources[logicalIdOf(stream)].Properties.Name;
    expect(name).toMatch(/^[a-z0-9_.-]+$/);
    expect(JSON.stringify(Template.fromStack(roles).toJSON())).toContain(`:kinesisvideo:eu-west-1:${ACCOUNT}:stream/${name}/*`);
  });
});

/**
 * Every property of AWS::KinesisVideo::Stream: DeviceName and
 * StreamStorageConfiguration.DefaultStorageTier (HOT | WARM), validated at synthesis, at the
 * aws-cdk-lib floor (whose CfnStream has no streamStorageConfiguration: an override writes it).
 */
describe('deviceName and storageTier', () => {

  describe('VideoStream deviceName and storageTier', () => {
    test('both reach the template, in CloudFormation\'s shape', () => {
      const stack = newStack('Stack');
      new VideoStream(stack, 'Stream', { deviceName: 'door-cam_1.0', storageTier: StorageTier.WARM });
      Template.fromStack(stack).hasResourceProperties('AWS::KinesisVideo::Stream', Match.objectEquals({
        DataRetentionInHours: 24,
        DeviceName: 'door-cam_1.0',
        StreamStorageConfiguration: { DefaultStorageTier: 'WARM' },
      }));
    });

    test('HOT is written when given', () => {
      const stack = newStack('Stack');
      new VideoStream(stack, 'Stream', { storageTier: StorageTier.HOT });
      Template.fromStack(stack).hasResourceProperties('AWS::KinesisVideo::Stream', {
        StreamStorageConfiguration: { DefaultStorageTier: 'HOT' },
        DeviceName: Match.absent(),
      });
    });

    test('neither is written when not given (the service defaults apply)', () => {
      const stack = newStack('Stack');
      new VideoStream(stack, 'Stream');
      Template.fromStack(stack).hasResourceProperties('AWS::KinesisVideo::Stream', {
        DeviceName: Match.absent(),
        StreamStorageConfiguration: Match.absent(),
      });
    });

    test.each(Object.values(StorageTier))('StorageTier.%s reaches the template as DefaultStorageTier', (storageTier) => {
      const stack = newStack('Stack');
      new VideoStream(stack, 'Stream', { storageTier });
      Template.fromStack(stack).hasResourceProperties('AWS::KinesisVideo::Stream', { StreamStorageConfiguration: { DefaultStorageTier: storageTier } });
    });

    test.each([
      ['an empty name', ''],
      ['129 characters', 'a'.repeat(129)],
      ['a space', 'front door'],
      ['a slash', 'front/door'],
      ['a colon (allowed in IoT thing names, not here)', 'shop:door'],
    ])('deviceName with %s is refused, naming the property and the value', (_, deviceName) => {
      expectValidationError(errorOf(() => new VideoStream(newStack('Stack'), 'Stream', { deviceName })), 'deviceName', `got '${deviceName}'`);
    });

    test('deviceName of 128 characters is accepted', () => {
      expect(() => new VideoStream(newStack('Stack'), 'Stream', { deviceName: 'a'.repeat(128) })).not.toThrow();
    });

    test('a storageTier outside the enum (a raw string from JavaScript or another language) is refused', () => {
      for (const storageTier of ['COLD', 'warm']) {
        const error = errorOf(() => new VideoStream(newStack('Stack'), 'Stream', { storageTier: storageTier as StorageTier }));
        expectValidationError(error, 'storageTier', `got '${storageTier}'`);
        expect(error.message).toContain("one of 'HOT', 'WARM'");
      }
    });

    test('tokens pass unchecked into the template', () => {
      const stack = newStack('Stack');
      const device = new CfnParameter(stack, 'Device');
      const tier = new CfnParameter(stack, 'Tier');
      new VideoStream(stack, 'Stream', { deviceName: device.valueAsString, storageTier: tier.valueAsString as StorageTier });
      Template.fromStack(stack).hasResourceProperties('AWS::KinesisVideo::Stream', {
        DeviceName: { Ref: 'Device' },
        StreamStorageConfiguration: { DefaultStorageTier: { Ref: 'Tier' } },
      });
    });
  });

  describe('through WebRtcIngestion and CameraFleet', () => {
    test('WebRtcIngestion passes both to its stream, and its errors name its own properties', () => {
      const stack = newStack('Stack');
      new WebRtcIngestion(stack, 'Camera', { deviceName: 'doorbell', storageTier: StorageTier.WARM });
      Template.fromStack(stack).hasResourceProperties('AWS::KinesisVideo::Stream', {
        DeviceName: 'doorbell',
        StreamStorageConfiguration: { DefaultStorageTier: 'WARM' },
        MediaType: 'video/h264,audio/aac',
      });
      expect(() => new WebRtcIngestion(newStack('Stack'), 'Camera', { deviceName: 'door bell' })).toThrow(/^invalid deviceName: /);
    });

    test('CameraFleet: a fleet-wide storageTier, overridden per camera', () => {
      const stack = newStack('Stack');
      const fleet = new CameraFleet(stack, 'Fleet', { storageTier: StorageTier.WARM });
      fleet.addCamera('door');
      fleet.addCamera('till', { storageTier: StorageTier.HOT });
      fleet.addCamera('dock');
      const streams = Template.fromStack(stack).findResources('AWS::KinesisVideo::Stream');
      const tiers = Object.fromEntries(Object.values(streams).map((s: any) =>
        [s.Properties.Name, s.Properties.StreamStorageConfiguration?.DefaultStorageTier]));
      expect(tiers).toEqual({ door: 'WARM', till: 'HOT', dock: 'WARM' });
    });
  });
});

// What each grant allows, by the action catalogue and by simulation (./util/grant-catalogue, ./util/building-block-simulation).
describeGrantCatalogue('VideoStream');
describeSimulatedGrants('stream');
