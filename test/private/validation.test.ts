/**
 * How the rules of src/private/validation.ts word their errors, and who reports them: the
 * outermost construct that received the value, under the name the user wrote.
 */
import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import {
  CameraFleet, CameraOnboarding, DeviceIdentity, MediaStorageLink, SignalingChannel, SignalingChannelProps, VideoStream, VideoStreamProps,
  ViewerIdentity, ViewerIdentityProps, WebRtcIngestion, WebRtcIngestionProps,
} from '../../src';
import { errorOf, expectValidationError, identifier } from '../util/errors';
import { newStack } from '../util/stacks';

describe('duration errors', () => {
  test('a value given in the rule\'s unit is shown once ("got 0 hours", not "got 0 hours (0 hours)")', () => {
    const error = errorOf(() => new WebRtcIngestion(newStack('Stack'), 'Camera', { retention: Duration.hours(0) }));
    expectValidationError(error, 'retention', 'got 0 hours');
    expect(error.message).not.toContain('(0 hours)');
  });

  test('a value given in another unit is shown in both', () => {
    const error = errorOf(() => new WebRtcIngestion(newStack('Stack'), 'Camera', { retention: Duration.minutes(90) }));
    expect(error.message).toContain('got 1.5 hours (1 hour 30 minutes)');
  });
});

describe('errors name the construct path', () => {
  test('a camera\'s bad storage tier names the camera', () => {
    const error = errorOf(() => new WebRtcIngestion(newStack('Stack'), 'Camera', { storageTier: 'COLD' as any }));
    expectValidationError(error, 'storageTier', "'COLD'");
    expect(error.message).toContain("in 'Stack/Camera'");
  });

  test('a fleet camera\'s bad name names the fleet', () => {
    const error = errorOf(() => new CameraFleet(newStack('Stack'), 'Fleet').addCamera('front door'));
    expectValidationError(error, 'name', "'front door'");
    expect(error.message).toContain("in 'Stack/Fleet'");
  });

  test.each<[string, Partial<ViewerIdentityProps>, string, string]>([
    ['identityPoolName', { identityPoolName: 'home/viewers' }, 'identityPoolName', "'home/viewers'"],
    ['accessGroupAttribute', { accessGroupAttribute: 'access group' }, 'accessGroupAttribute', "'access group'"],
    ['allowUnauthenticatedIdentities', { allowUnauthenticatedIdentities: true }, 'allowUnauthenticatedIdentities', 'got true'],
    ['the allow flags', { allowLiveView: false, allowPlayback: false }, 'allowPlayback', 'all false'],
  ])('a viewer identity\'s bad %s names the identity', (_, props, property, received) => {
    const stack = newStack('Stack');
    const userPool = cognito.UserPool.fromUserPoolId(stack, 'Users', 'eu-west-1_AbCdEf123');
    const userPoolClient = cognito.UserPoolClient.fromUserPoolClientId(stack, 'App', '1example23456789');
    const error = errorOf(() => new ViewerIdentity(stack, 'Viewers', { fleet: new CameraFleet(stack, 'Fleet'), userPool, userPoolClient, ...props }));
    expectValidationError(error, property, received);
    expect(error.message).toContain("in 'Stack/Viewers'");
  });
});

describe('each value checked by the outermost construct, under the name the user wrote', () => {
  test('a fleet camera\'s retention: the fleet refuses it, as retention', () => {
    const fleet = new CameraFleet(newStack('Stack'), 'Fleet', { retention: Duration.hours(0) });
    const error = errorOf(() => fleet.addCamera('door'));
    expectValidationError(error, 'retention', '0 hours');
    expect(fleet.node.tryFindChild('door')).toBeUndefined();
  });

  test('a fleet camera\'s name used twice in a stack: reported as name, with both cameras', () => {
    const stack = newStack('Stack');
    new CameraFleet(stack, 'One').addCamera('door');
    new CameraFleet(stack, 'Two').addCamera('door');
    const error = errorOf(() => (stack.node.root as App).synth());
    expect(error.message).toMatch(/duplicate name 'door'/);
    expect(error.message).not.toMatch(/duplicate (channelName|streamName|signalingChannelName|videoStreamName)/);
    expect(error.message).toContain('Stack/One/door');
    expect(error.message).toContain('Stack/Two/door');
  });

  test('a camera\'s messageTtl: reported once, by the camera, as messageTtl', () => {
    const stack = newStack('Stack');
    const error = errorOf(() => new WebRtcIngestion(stack, 'Camera', { messageTtl: Duration.seconds(3) }));
    expectValidationError(error, 'messageTtl', '3 seconds');
    expect(stack.node.tryFindChild('Camera')?.node.tryFindChild('Channel')).toBeUndefined();
  });
});

/**
 * The input validation table: every bad input throws at synthesis with a message that names
 * the property and shows the value received, and every edge passes.
 *
 * Constructor checks throw from `new ...`; the duplicate-name checks are construct validations
 * (`node.addValidation`), so they throw from `app.synth()` / `Template.fromStack`.
 */
describe('the rules, through the constructs', () => {
  // ---------------------------------------------------------------------------------------------
  // helpers

  function ingestion(props: WebRtcIngestionProps, stack = newStack()): Template {
    new WebRtcIngestion(stack, 'Camera', props);
    return Template.fromStack(stack);
  }

  function channel(props: SignalingChannelProps, stack = newStack()): Template {
    new SignalingChannel(stack, 'Channel', props);
    return Template.fromStack(stack);
  }

  function stream(props: VideoStreamProps, stack = newStack()): Template {
    new VideoStream(stack, 'Stream', props);
    return Template.fromStack(stack);
  }

  /** Runs the synthesis that evaluates `node.addValidation` checks. */
  const SYNTHESES: Array<[string, (stack: Stack) => unknown]> = [
    ['app.synth()', (stack) => (stack.node.root as App).synth()],
    ['Template.fromStack', (stack) => Template.fromStack(stack)],
  ];

  const LONGEST_NAME = 'a'.repeat(256);
  const TOO_LONG_NAME = 'a'.repeat(257);

  /** Names refused by the channel and stream name rule, with what the message must show. */
  const BAD_NAMES: Array<[string, string]> = [
    ['empty', ''],
    ['a space', 'front door'],
    ['a non-ASCII letter', 'café'],
    ['a slash', 'a/b'],
    ['257 characters', TOO_LONG_NAME],
  ];

  const GOOD_NAMES: Array<[string, string]> = [
    ['1 character', 'a'],
    ['256 characters', LONGEST_NAME],
    ['dot, underscore and hyphen', 'a.b_c-d'],
  ];

  /** 'video/' plus 122 characters: exactly 128. */
  const LONGEST_MEDIA_TYPE = `video/${'a'.repeat(122)}`;
  const TOO_LONG_MEDIA_TYPE = `video/${'a'.repeat(123)}`;

  const BAD_MEDIA_TYPES: Array<[string, string]> = [
    ['empty', ''],
    ['a type without subtype', 'video'],
    ['an empty subtype', 'video/'],
    ['a trailing comma', 'video/h264,'],
    ['a semicolon separator', 'video/h264;audio/aac'],
    ['129 characters', TOO_LONG_MEDIA_TYPE],
  ];

  const GOOD_MEDIA_TYPES: Array<[string, string]> = [
    ['one type', 'video/h264'],
    ['a list of two', 'video/h264,audio/aac'],
    ['a vendor type with - and +', 'application/x-foo+bar'],
    ['exactly 128 characters', LONGEST_MEDIA_TYPE],
  ];

  /** messageTtl: whole seconds, 5 to 120. The second column is how the message shows the value. */
  const BAD_MESSAGE_TTLS: Array<[Duration, string]> = [
    [Duration.seconds(4), '4 seconds'],
    [Duration.seconds(121), '2 minutes 1 second'],
    [Duration.millis(5500), '5 seconds 500 millis'],
    [Duration.minutes(3), '3 minutes'],
  ];

  const GOOD_MESSAGE_TTLS: Array<[Duration, number]> = [
    [Duration.seconds(5), 5],
    [Duration.seconds(120), 120],
    [Duration.minutes(2), 120],
    [Duration.millis(5000), 5],
  ];

  /** Retention refused everywhere (not whole hours, or above 87,600 hours). */
  const BAD_RETENTIONS_ANYWHERE: Array<[Duration, string]> = [
    [Duration.minutes(30), '30 minutes'],
    [Duration.minutes(90), '1 hour 30 minutes'],
    [Duration.hours(87601), '3650 days 1 hour'],
  ];

  const GOOD_RETENTIONS_ANYWHERE: Array<[Duration, number]> = [
    [Duration.hours(1), 1],
    [Duration.minutes(60), 1],
    [Duration.days(3650), 87_600],
  ];

  // ---------------------------------------------------------------------------------------------
  // WebRtcIngestion

  describe('WebRtcIngestion messageTtl: whole seconds from 5 to 120', () => {
    test.each(BAD_MESSAGE_TTLS)('refuses %s', (messageTtl, shown) => {
      const error = errorOf(() => new WebRtcIngestion(newStack(), 'Camera', { messageTtl }));
      expectValidationError(error, 'messageTtl', shown);
      expect(error.message).toMatch(/5 to 120/);
    });

    test.each(GOOD_MESSAGE_TTLS)('accepts %s as %d seconds', (messageTtl, seconds) => {
      ingestion({ messageTtl }).hasResourceProperties('AWS::KinesisVideo::SignalingChannel', {
        MessageTtlSeconds: seconds,
      });
    });
  });

  describe('WebRtcIngestion retention: whole hours from 1 to 87,600', () => {
    test.each<[Duration, string]>([
      [Duration.hours(0), '0 hours'],
      ...BAD_RETENTIONS_ANYWHERE,
    ])('refuses %s', (retention, shown) => {
      const error = errorOf(() => new WebRtcIngestion(newStack(), 'Camera', { retention }));
      expectValidationError(error, 'retention', shown);
      expect(error.message).toMatch(/1 to 87600/);
    });

    test.each(GOOD_RETENTIONS_ANYWHERE)('accepts %s as %d hours', (retention, hours) => {
      ingestion({ retention }).hasResourceProperties('AWS::KinesisVideo::Stream', {
        DataRetentionInHours: hours,
      });
    });
  });

  // The range is stated in the rule's unit, so the value is shown in that unit too, not only as
  // Duration.toHumanString() renders it ('2 minutes 1 second').
  test.each<[string, () => unknown, string]>([
    ['messageTtl', () => new WebRtcIngestion(newStack(), 'Camera', { messageTtl: Duration.seconds(121) }), '121 seconds'],
    ['retention', () => new WebRtcIngestion(newStack(), 'Camera', { retention: Duration.hours(87601) }), '87601 hours'],
    ['SignalingChannel messageTtl', () => new SignalingChannel(newStack(), 'Channel', { messageTtl: Duration.seconds(121) }), '121 seconds'],
    ['VideoStream retention', () => new VideoStream(newStack(), 'Stream', { retention: Duration.hours(87601) }), '87601 hours'],
  ])('an out-of-range %s is also shown in the unit of the rule', (_, make, inUnit) => {
    expect(errorOf(make).message).toContain(inUnit);
  });

  describe.each([
    ['channelName', 'AWS::KinesisVideo::SignalingChannel'],
    ['streamName', 'AWS::KinesisVideo::Stream'],
  ] as const)('WebRtcIngestion %s: 1 to 256 of [a-zA-Z0-9_.-]', (property, resourceType) => {
    test.each(BAD_NAMES)('refuses %s', (_, name) => {
      const error = errorOf(() => new WebRtcIngestion(newStack(), 'Camera', { [property]: name }));
      expectValidationError(error, property, `'${name}'`);
    });

    test.each(GOOD_NAMES)('accepts %s', (_, name) => {
      ingestion({ [property]: name }).hasResourceProperties(resourceType, { Name: name });
    });
  });

  describe('WebRtcIngestion mediaType: type/subtype[,type/subtype...], 1 to 128 characters', () => {
    test.each(BAD_MEDIA_TYPES)('refuses %s', (_, mediaType) => {
      const error = errorOf(() => new WebRtcIngestion(newStack(), 'Camera', { mediaType }));
      expectValidationError(error, 'mediaType', `'${mediaType}'`);
    });

    test.each(GOOD_MEDIA_TYPES)('accepts %s', (_, mediaType) => {
      ingestion({ mediaType }).hasResourceProperties('AWS::KinesisVideo::Stream', { MediaType: mediaType });
    });
  });

  describe('WebRtcIngestion: literal names unique per stack', () => {
    describe.each(SYNTHESES)('at %s', (_, synth) => {
      test.each([
        ['channelName', 'signaling channel'],
        ['streamName', 'video stream'],
      ] as const)('refuses the same %s twice, naming the value and both cameras', (property, kind) => {
        const stack = newStack();
        new WebRtcIngestion(stack, 'Front', { [property]: 'porch' });
        new WebRtcIngestion(stack, 'Back', { [property]: 'porch' });

        const error = errorOf(() => synth(stack));
        expect(error.message).toContain("'porch'");
        expect(error.message).toContain(kind);
        expect(error.message).toContain('TestStack/Front');
        expect(error.message).toContain('TestStack/Back');
        // each construct's own message (after "[path] ") starts lowercase
        const messages = [...error.message.matchAll(/\[[^\]]+\] (.*)/g)].map((m) => m[1]);
        expect(messages.length).toBeGreaterThanOrEqual(2);
        for (const m of messages) {
          expect(m[0]).toBe(m[0].toLowerCase());
        }
      });
    });

    // The duplicate check lives in the L2s; for a camera it must still name the property the user set.
    test.each([
      ['channelName'],
      ['streamName'],
    ] as const)('the duplicate %s message names the WebRtcIngestion property', (property) => {
      const stack = newStack();
      new WebRtcIngestion(stack, 'Front', { [property]: 'porch' });
      new WebRtcIngestion(stack, 'Back', { [property]: 'porch' });
      const error = errorOf(() => Template.fromStack(stack));
      expect(error.message).toMatch(identifier(property));
    });

    test('a channel of a camera and a SignalingChannel with the same name in one stack are refused', () => {
      const stack = newStack();
      new WebRtcIngestion(stack, 'Front', { channelName: 'porch' });
      new SignalingChannel(stack, 'Other', { signalingChannelName: 'porch' });
      const error = errorOf(() => Template.fromStack(stack));
      expect(error.message).toContain("'porch'");
      expect(error.message).toContain('TestStack/Other');
    });

    test('the same names in two different stacks are fine', () => {
      const app = new App();
      const one = new Stack(app, 'One');
      const two = new Stack(app, 'Two');
      new WebRtcIngestion(one, 'Camera', { channelName: 'porch', streamName: 'porch-video' });
      new WebRtcIngestion(two, 'Camera', { channelName: 'porch', streamName: 'porch-video' });
      expect(() => app.synth()).not.toThrow();
      Template.fromStack(one).resourceCountIs('AWS::KinesisVideo::SignalingChannel', 1);
      Template.fromStack(two).resourceCountIs('AWS::KinesisVideo::SignalingChannel', 1);
    });

    test('a channel and a stream sharing one name is fine', () => {
      const stack = newStack();
      new WebRtcIngestion(stack, 'Camera', { channelName: 'porch', streamName: 'porch' });
      expect(() => (stack.node.root as App).synth()).not.toThrow();
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::KinesisVideo::SignalingChannel', { Name: 'porch' });
      template.hasResourceProperties('AWS::KinesisVideo::Stream', { Name: 'porch' });
    });

    test('different literal names in one stack are fine', () => {
      const stack = newStack();
      new WebRtcIngestion(stack, 'Front', { channelName: 'front', streamName: 'front' });
      new WebRtcIngestion(stack, 'Back', { channelName: 'back', streamName: 'back' });
      expect(() => Template.fromStack(stack)).not.toThrow();
    });
  });

  // ---------------------------------------------------------------------------------------------
  // The L2s: the same rules, messages naming the L2's properties

  /** The name rule and the duplicate-name check, the same in both L2s. */
  describe.each([
    ['SignalingChannel', 'signalingChannelName', 'AWS::KinesisVideo::SignalingChannel',
      (stack: Stack, id: string, name: string) => new SignalingChannel(stack, id, { signalingChannelName: name })],
    ['VideoStream', 'videoStreamName', 'AWS::KinesisVideo::Stream',
      (stack: Stack, id: string, name: string) => new VideoStream(stack, id, { videoStreamName: name })],
  ] as const)('%s', (_l2, property, resourceType, named) => {
    test.each(BAD_NAMES)(`${property}: refuses %s`, (_, name) => {
      const error = errorOf(() => named(newStack(), 'Resource', name));
      expectValidationError(error, property, `'${name}'`);
    });

    test.each(GOOD_NAMES)(`${property}: accepts %s`, (_, name) => {
      const stack = newStack();
      named(stack, 'Resource', name);
      Template.fromStack(stack).hasResourceProperties(resourceType, { Name: name });
    });

    test.each(SYNTHESES)(`the same ${property} twice in one stack is refused at %s`, (_, synth) => {
      const stack = newStack();
      named(stack, 'One', 'porch');
      named(stack, 'Two', 'porch');
      const error = errorOf(() => synth(stack));
      expect(error.message).toMatch(new RegExp(`duplicate ${property} 'porch'`));
      expect(error.message).toContain('TestStack/One');
      expect(error.message).toContain('TestStack/Two');
    });
  });

  describe('SignalingChannel', () => {
    test.each(BAD_MESSAGE_TTLS)('messageTtl: refuses %s', (messageTtl, shown) => {
      const error = errorOf(() => new SignalingChannel(newStack(), 'Channel', { messageTtl }));
      expectValidationError(error, 'messageTtl', shown);
    });

    test.each(GOOD_MESSAGE_TTLS)('messageTtl: accepts %s as %d seconds', (messageTtl, seconds) => {
      channel({ messageTtl }).hasResourceProperties('AWS::KinesisVideo::SignalingChannel', { MessageTtlSeconds: seconds });
    });
  });

  describe('VideoStream', () => {
    test.each(BAD_RETENTIONS_ANYWHERE)('retention (0 to 87,600 hours): refuses %s', (retention, shown) => {
      const error = errorOf(() => new VideoStream(newStack(), 'Stream', { retention }));
      expectValidationError(error, 'retention', shown);
      expect(error.message).toMatch(/0 to 87600/);
    });

    test.each<[Duration, number]>([
      [Duration.hours(0), 0],
      ...GOOD_RETENTIONS_ANYWHERE,
    ])('retention (0 to 87,600 hours): accepts %s as %d hours', (retention, hours) => {
      stream({ retention }).hasResourceProperties('AWS::KinesisVideo::Stream', { DataRetentionInHours: hours });
    });

    test.each(BAD_MEDIA_TYPES)('mediaType: refuses %s', (_, mediaType) => {
      const error = errorOf(() => new VideoStream(newStack(), 'Stream', { mediaType }));
      expectValidationError(error, 'mediaType', `'${mediaType}'`);
    });

    test.each(GOOD_MEDIA_TYPES)('mediaType: accepts %s', (_, mediaType) => {
      stream({ mediaType }).hasResourceProperties('AWS::KinesisVideo::Stream', { MediaType: mediaType });
    });
  });

  // ---------------------------------------------------------------------------------------------
  // Unresolved tokens pass, and reach the template

  describe('unresolved tokens', () => {
    function stackWithParameters() {
      const stack = newStack();
      const name = new CfnParameter(stack, 'Name', { type: 'String' });
      const mediaType = new CfnParameter(stack, 'MediaType', { type: 'String' });
      const seconds = new CfnParameter(stack, 'Seconds', { type: 'Number' });
      const hours = new CfnParameter(stack, 'Hours', { type: 'Number' });
      return { stack, name, mediaType, seconds, hours };
    }

    test.each<[string, (stack: Stack, p: ReturnType<typeof stackWithParameters>) => void]>([
      ['WebRtcIngestion', (stack, { name, mediaType, seconds, hours }) => new WebRtcIngestion(stack, 'Camera', {
        channelName: name.valueAsString,
        streamName: name.valueAsString,
        mediaType: mediaType.valueAsString,
        messageTtl: Duration.seconds(seconds.valueAsNumber),
        retention: Duration.hours(hours.valueAsNumber),
      })],
      ['the L2s', (stack, { name, mediaType, seconds, hours }) => {
        new SignalingChannel(stack, 'Channel', {
          signalingChannelName: name.valueAsString,
          messageTtl: Duration.seconds(seconds.valueAsNumber),
        });
        new VideoStream(stack, 'Stream', {
          videoStreamName: name.valueAsString,
          mediaType: mediaType.valueAsString,
          retention: Duration.hours(hours.valueAsNumber),
        });
      }],
    ])('%s: a parameter as the names and mediaType, Duration.seconds/hours(parameter) as messageTtl/retention', (_, build) => {
      const parameters = stackWithParameters();
      build(parameters.stack, parameters);

      const template = Template.fromStack(parameters.stack);
      template.hasResourceProperties('AWS::KinesisVideo::SignalingChannel', {
        Name: { Ref: 'Name' },
        MessageTtlSeconds: { Ref: 'Seconds' },
      });
      template.hasResourceProperties('AWS::KinesisVideo::Stream', {
        Name: { Ref: 'Name' },
        MediaType: { Ref: 'MediaType' },
        DataRetentionInHours: { Ref: 'Hours' },
      });
    });

    test.each([
      ['WebRtcIngestion', (stack: Stack, d: Duration) => new WebRtcIngestion(stack, 'Camera', { messageTtl: d })],
      ['SignalingChannel', (stack: Stack, d: Duration) => new SignalingChannel(stack, 'Channel', { messageTtl: d })],
    ])('%s: Duration.minutes(token) as messageTtl throws naming messageTtl', (_, make) => {
      const { stack, seconds } = stackWithParameters();
      const error = errorOf(() => make(stack, Duration.minutes(seconds.valueAsNumber)));
      expect(error.message).toMatch(identifier('messageTtl'));
      expect(error.message).toMatch(/Duration\.seconds/);
      expect(error.message[0]).toBe(error.message[0].toLowerCase());
    });

    test.each([
      ['WebRtcIngestion', (stack: Stack, d: Duration) => new WebRtcIngestion(stack, 'Camera', { retention: d })],
      ['VideoStream', (stack: Stack, d: Duration) => new VideoStream(stack, 'Stream', { retention: d })],
    ])('%s: Duration.minutes(token) as retention throws naming retention', (_, make) => {
      const { stack, hours } = stackWithParameters();
      const error = errorOf(() => make(stack, Duration.minutes(hours.valueAsNumber)));
      expect(error.message).toMatch(identifier('retention'));
      expect(error.message).toMatch(/Duration\.hours/);
      expect(error.message[0]).toBe(error.message[0].toLowerCase());
    });

    test('two cameras with the same token names are not flagged as duplicates', () => {
      const { stack, name } = stackWithParameters();
      new WebRtcIngestion(stack, 'Front', { channelName: name.valueAsString, streamName: name.valueAsString });
      new WebRtcIngestion(stack, 'Back', { channelName: name.valueAsString, streamName: name.valueAsString });
      expect(() => (stack.node.root as App).synth()).not.toThrow();
      Template.fromStack(stack).resourceCountIs('AWS::KinesisVideo::SignalingChannel', 2);
    });

    test('two L2s with the same token names are not flagged as duplicates', () => {
      const { stack, name } = stackWithParameters();
      new SignalingChannel(stack, 'C1', { signalingChannelName: name.valueAsString });
      new SignalingChannel(stack, 'C2', { signalingChannelName: name.valueAsString });
      new VideoStream(stack, 'S1', { videoStreamName: name.valueAsString });
      new VideoStream(stack, 'S2', { videoStreamName: name.valueAsString });
      expect(() => Template.fromStack(stack)).not.toThrow();
    });
  });

  // ---------------------------------------------------------------------------------------------
  // ARNs

  const CHANNEL_ARN = 'arn:aws:kinesisvideo:eu-west-1:111111111111:channel/front.door_cam-1/1700000000000';
  const STREAM_ARN = 'arn:aws:kinesisvideo:eu-west-1:111111111111:stream/front.door_cam-1/1700000000001';

  function badArns(type: 'channel' | 'stream'): Array<[string, string]> {
    const other = type === 'channel' ? 'stream' : 'channel';
    return [
      ['empty', ''],
      ['not an ARN', 'front-door'],
      [`a ${other} ARN`, `arn:aws:kinesisvideo:eu-west-1:111111111111:${other}/front-door/1700000000000`],
      ['no creation time', `arn:aws:kinesisvideo:eu-west-1:111111111111:${type}/front-door`],
      ['another service', `arn:aws:kinesis:eu-west-1:111111111111:${type}/front-door/1700000000000`],
      ['an 11-digit account', `arn:aws:kinesisvideo:eu-west-1:11111111111:${type}/front-door/1700000000000`],
      ['a space in the name', `arn:aws:kinesisvideo:eu-west-1:111111111111:${type}/front door/1700000000000`],
      ['a 257-character name', `arn:aws:kinesisvideo:eu-west-1:111111111111:${type}/${TOO_LONG_NAME}/1700000000000`],
    ];
  }

  describe('ARNs', () => {
    test.each(badArns('channel'))('SignalingChannel.fromSignalingChannelArn refuses %s', (_, arn) => {
      const error = errorOf(() => SignalingChannel.fromSignalingChannelArn(newStack(), 'Imported', arn));
      expectValidationError(error, 'signalingChannelArn', `'${arn}'`);
    });

    test.each(badArns('stream'))('VideoStream.fromVideoStreamArn refuses %s', (_, arn) => {
      const error = errorOf(() => VideoStream.fromVideoStreamArn(newStack(), 'Imported', arn));
      expectValidationError(error, 'videoStreamArn', `'${arn}'`);
    });

    test.each(badArns('channel'))('WebRtcIngestion.fromWebRtcIngestionAttributes refuses a channelArn with %s, naming channelArn', (_, arn) => {
      const error = errorOf(() => WebRtcIngestion.fromWebRtcIngestionAttributes(newStack(), 'Imported', { channelArn: arn, streamArn: STREAM_ARN }));
      expectValidationError(error, 'channelArn', `'${arn}'`);
      expect(error.message).toMatch(/channel ARN/);
    });

    test.each(badArns('stream'))('WebRtcIngestion.fromWebRtcIngestionAttributes refuses a streamArn with %s, naming streamArn', (_, arn) => {
      const error = errorOf(() => WebRtcIngestion.fromWebRtcIngestionAttributes(newStack(), 'Imported', { channelArn: CHANNEL_ARN, streamArn: arn }));
      expectValidationError(error, 'streamArn', `'${arn}'`);
      expect(error.message).toMatch(/stream ARN/);
    });

    test('valid ARNs whose names hold ".", "_" and "-" parse', () => {
      const stack = newStack();
      const importedChannel = SignalingChannel.fromSignalingChannelArn(stack, 'Channel', CHANNEL_ARN);
      const importedStream = VideoStream.fromVideoStreamArn(stack, 'Stream', STREAM_ARN);
      const camera = WebRtcIngestion.fromWebRtcIngestionAttributes(stack, 'Camera', { channelArn: CHANNEL_ARN, streamArn: STREAM_ARN });

      expect(stack.resolve(importedChannel.signalingChannelName)).toBe('front.door_cam-1');
      expect(importedChannel.signalingChannelArn).toBe(CHANNEL_ARN);
      expect(importedChannel.env).toEqual(expect.objectContaining({ account: '111111111111', region: 'eu-west-1' }));
      expect(stack.resolve(importedStream.videoStreamName)).toBe('front.door_cam-1');
      expect(importedStream.videoStreamArn).toBe(STREAM_ARN);
      expect(importedStream.env).toEqual(expect.objectContaining({ account: '111111111111', region: 'eu-west-1' }));
      expect(stack.resolve(camera.channelName)).toBe('front.door_cam-1');
      expect(stack.resolve(camera.streamName)).toBe('front.door_cam-1');
    });

    test.each([
      ['a 256-character name', `arn:aws:kinesisvideo:us-east-1:123456789012:channel/${LONGEST_NAME}/1`, LONGEST_NAME],
      ['the aws-cn partition', 'arn:aws-cn:kinesisvideo:cn-north-1:123456789012:channel/a/1700000000000', 'a'],
      ['the aws-us-gov partition', 'arn:aws-us-gov:kinesisvideo:us-gov-west-1:123456789012:channel/A.b_C-d/1', 'A.b_C-d'],
    ])('a channel ARN with %s parses', (_, arn, name) => {
      const stack = newStack();
      const imported = SignalingChannel.fromSignalingChannelArn(stack, 'Channel', arn);
      expect(stack.resolve(imported.signalingChannelName)).toBe(name);
    });

    test('a token ARN passes and its name is taken from the ARN by CloudFormation', () => {
      const stack = newStack();
      const arn = new CfnParameter(stack, 'ChannelArn', { type: 'String' });
      const imported = SignalingChannel.fromSignalingChannelArn(stack, 'Channel', arn.valueAsString);
      expect(JSON.stringify(stack.resolve(imported.signalingChannelName))).toContain('Fn::Select');
    });
  });
});

/**
 * For JavaScript users, whom no compiler stops (issue: "Tried from JavaScript"): a missing
 * required property or an object property of the wrong type is named with the value and the
 * path, before aws-cdk-lib fails on it with a TypeError.
 */
describe('required and object-typed properties at the jsii boundary', () => {
  const js = (value: unknown) => value as any;
  const cases: Array<[string, (stack: Stack) => unknown, string]> = [
    ['ViewerIdentity without userPoolClient', (stack) => {
      const fleet = new CameraFleet(stack, 'Fleet', { namePrefix: 'shop-' });
      const userPool = new cognito.UserPool(stack, 'Pool');
      return new ViewerIdentity(stack, 'Viewers', js({ fleet, userPool }));
    }, "invalid userPoolClient: expected a cognito.IUserPoolClient, got undefined (the property is required), in 'Stack/Viewers'"],
    ['ViewerIdentity with a user pool for a client', (stack) => {
      const fleet = new CameraFleet(stack, 'Fleet', { namePrefix: 'shop-' });
      const userPool = new cognito.UserPool(stack, 'Pool');
      return new ViewerIdentity(stack, 'Viewers', js({ fleet, userPool, userPoolClient: userPool }));
    }, "invalid userPoolClient: expected a cognito.IUserPoolClient, got a UserPool, in 'Stack/Viewers'"],
    ['CameraFleet with retention: 24', (stack) => new CameraFleet(stack, 'Fleet', js({ retention: 24 })),
      "invalid retention: expected a Duration (e.g. Duration.hours(24)), got the number 24, in 'Stack/Fleet'"],
    ['addCamera with messageTtl: \'60\'', (stack) => new CameraFleet(stack, 'Fleet').addCamera('door', js({ messageTtl: '60' })),
      "invalid messageTtl: expected a Duration (e.g. Duration.hours(24)), got the string '60', in 'Stack/Fleet'"],
    ['CameraFleet with a key ARN for encryptionKey', (stack) => new CameraFleet(stack, 'Fleet', js({ encryptionKey: 'arn:aws:kms:us-east-1:1:key/x' })),
      "invalid encryptionKey: expected a kms.IKey, got the string 'arn:aws:kms:us-east-1:1:key/x', in 'Stack/Fleet'"],
    ['CameraOnboarding without fleet', (stack) => new CameraOnboarding(stack, 'Onboarding', js({})),
      "invalid fleet: expected a CameraFleet, got undefined (the property is required), in 'Stack/Onboarding'"],
    ['CameraOnboarding with provisioningGrace: 3600', (stack) =>
      new CameraOnboarding(stack, 'Onboarding', js({ fleet: new CameraFleet(stack, 'Fleet', { namePrefix: 'shop-' }), provisioningGrace: 3600 })),
    "invalid provisioningGrace: expected a Duration (e.g. Duration.hours(24)), got the number 3600, in 'Stack/Onboarding'"],
    ['DeviceIdentity with a fleet\'s name', (stack) => new DeviceIdentity(stack, 'Devices', js({ fleet: 'Fleet' })),
      "invalid fleet: expected a CameraFleet, got the string 'Fleet', in 'Stack/Devices'"],
    ['MediaStorageLink without stream', (stack) => new MediaStorageLink(stack, 'Link', js({ channel: new SignalingChannel(stack, 'Channel') })),
      "invalid stream: expected an IVideoStream, got undefined (the property is required), in 'Stack/Link'"],
    ['SignalingChannel with messageTtl: 60', (stack) => new SignalingChannel(stack, 'Channel', js({ messageTtl: 60 })),
      "invalid messageTtl: expected a Duration (e.g. Duration.hours(24)), got the number 60, in 'Stack/Channel'"],
    ['VideoStream with retention: null', (stack) => new VideoStream(stack, 'Stream', js({ retention: null })),
      "invalid retention: expected a Duration (e.g. Duration.hours(24)), got null, in 'Stack/Stream'"],
    ['WebRtcIngestion with retention: 24', (stack) => new WebRtcIngestion(stack, 'Camera', js({ retention: 24 })),
      "invalid retention: expected a Duration (e.g. Duration.hours(24)), got the number 24, in 'Stack/Camera'"],
  ];
  test.each(cases)('%s', (_, make, message) => {
    expect(errorOf(() => make(newStack('Stack'))).message).toBe(message);
  });
});
