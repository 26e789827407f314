/**
 * The MediaStorageLink construct's own checks at synthesis: the link's ServiceTimeout, the tags it
 * puts on its resources, one link per channel and per stream across the app, and the account quota of
 * storage-enabled channels.
 */
import { App, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { ISignalingChannel, IVideoStream, MediaStorageLink, SignalingChannel, VideoStream, WebRtcIngestion } from '../src';
import { errorOf, expectValidationError } from './util/errors';

const QUOTA_WARNING = /more than 100 signaling channels with media storage enabled in account 123456789012, region eu-west-1 across the app; Kinesis Video Streams allows "Signaling channels: maximum of 100 per account with storage configuration enabled" \(developer guide, "Ingest media"\)/;

function link(stack: Stack, id: string, stream: IVideoStream = new VideoStream(stack, `${id}Stream`)): MediaStorageLink {
  return new MediaStorageLink(stack, id, { channel: new SignalingChannel(stack, `${id}Channel`), stream });
}

const envStack = (app: App, id: string, region = 'eu-west-1') => new Stack(app, id, { env: { account: '123456789012', region } });

describe('ServiceTimeout', () => {
  test('the link waits a minute more than the function\'s timeout for an answer, not the default hour', () => {
    const stack = new Stack(new App(), 'Cameras');
    link(stack, 'Door');
    const template = Template.fromStack(stack);

    const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(fn.Properties.Timeout).toBe(300);
    template.hasResourceProperties('Custom::KinesisVideoMediaStorageLink', { ServiceTimeout: '360' });
  });
});

describe('the stack-id tag on the stream', () => {
  const TAG = { Key: 'cdk-kinesis-video-webrtc:stack-id', Value: { Ref: 'AWS::StackId' } };

  test('a stream of the link\'s stack is tagged like the channel, and a user tag of the key does not replace it', () => {
    const stack = new Stack(new App(), 'Cameras');
    link(stack, 'Door');
    Tags.of(stack).add(TAG.Key, 'something-else');
    const template = Template.fromStack(stack);

    template.hasResourceProperties('AWS::KinesisVideo::Stream', { Tags: [TAG] });
    template.hasResourceProperties('AWS::KinesisVideo::SignalingChannel', { Tags: [TAG] });
  });

  test('WebRtcIngestion: a user tag of the same key on a parent scope replaces neither tag, and other user tags pass', () => {
    const stack = new Stack(new App(), 'Cameras');
    new WebRtcIngestion(stack, 'Camera');
    Tags.of(stack).add(TAG.Key, 'something-else');
    Tags.of(stack).add('team', 'video');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::KinesisVideo::SignalingChannel', {
      Tags: Match.arrayEquals([
        { Key: TAG.Key, Value: { Ref: 'AWS::StackId' } },
        { Key: 'team', Value: 'video' },
      ]),
    });
    template.hasResourceProperties('AWS::KinesisVideo::Stream', {
      Tags: Match.arrayEquals([
        { Key: TAG.Key, Value: { Ref: 'AWS::StackId' } },
        { Key: 'team', Value: 'video' },
      ]),
    });
  });

  test('a stream of another stack is not tagged: AWS::StackId there would be the other stack\'s id', () => {
    const app = new App();
    const streams = new Stack(app, 'Streams');
    const stream = new VideoStream(streams, 'Stream');
    const cameras = new Stack(app, 'Cameras');
    link(cameras, 'Door', stream);

    Template.fromStack(streams).hasResourceProperties('AWS::KinesisVideo::Stream', { Tags: Match.absent() });
    Template.fromStack(cameras).hasResourceProperties('AWS::KinesisVideo::SignalingChannel', { Tags: [TAG] });
  });

  test('an imported stream is left alone: nothing to tag, and the link still works', () => {
    const stack = envStack(new App(), 'Cameras');
    link(stack, 'Door', VideoStream.fromVideoStreamArn(stack, 'Imported', 'arn:aws:kinesisvideo:eu-west-1:123456789012:stream/front-door/1700000000000'));
    const template = Template.fromStack(stack);

    template.resourceCountIs('AWS::KinesisVideo::Stream', 0);
    template.hasResourceProperties('Custom::KinesisVideoMediaStorageLink', {
      StreamArn: 'arn:aws:kinesisvideo:eu-west-1:123456789012:stream/front-door/1700000000000',
    });
  });
});

describe('one link per stream across the app', () => {
  test('the same stream in two links of two stacks: an error naming both links', () => {
    const app = new App();
    const cameras = new Stack(app, 'Cameras');
    const stream = new VideoStream(cameras, 'Stream');
    link(cameras, 'Door', stream);
    const other = new Stack(app, 'Other');

    expect(() => new MediaStorageLink(other, 'Yard', { channel: new SignalingChannel(other, 'YardChannel'), stream }))
      .toThrow("invalid stream: video stream 'Cameras/Stream' is already linked by 'Cameras/Door'; a stream records exactly one " +
        "signaling channel (the media storage link is one-to-one), got a second link 'Other/Yard'");
  });

  test('two imports of the same literal ARN are the same stream', () => {
    const app = new App();
    const stack = envStack(app, 'Cameras');
    const arn = 'arn:aws:kinesisvideo:eu-west-1:123456789012:stream/front-door/1700000000000';
    link(stack, 'Door', VideoStream.fromVideoStreamArn(stack, 'Imported1', arn));
    const other = envStack(app, 'Other');

    expect(() => link(other, 'Yard', VideoStream.fromVideoStreamArn(other, 'Imported2', arn)))
      .toThrow(`invalid stream: video stream '${arn}' is already linked by 'Cameras/Door'`);
  });

  test('different streams, and the same stream in two apps, are fine', () => {
    const stack = new Stack(new App(), 'Cameras');
    link(stack, 'Door');
    link(stack, 'Yard');
    const arn = 'arn:aws:kinesisvideo:eu-west-1:123456789012:stream/front-door/1700000000000';
    for (const app of [new App(), new App()]) {
      const s = envStack(app, 'Cameras');
      link(s, 'Door', VideoStream.fromVideoStreamArn(s, 'Imported', arn));
    }
    Template.fromStack(stack).resourceCountIs('Custom::KinesisVideoMediaStorageLink', 2);
  });
});

describe('the account quota of storage-enabled channels', () => {
  const warningsOf = (stack: Stack) => Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('more than 100 signaling channels'));

  test('101 channels in one account and region across two stacks: one warning, quoting the quota', () => {
    const app = new App();
    const first = envStack(app, 'First');
    const second = envStack(app, 'Second');
    for (let i = 0; i < 60; i++) {
      link(first, `Camera${i}`);
    }
    for (let i = 0; i < 41; i++) {
      link(second, `Camera${i}`);
    }

    expect(warningsOf(first)).toHaveLength(0);
    const warnings = warningsOf(second);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].id).toBe('/Second/Camera40');
    expect(warnings[0].entry.data).toMatch(QUOTA_WARNING);
  });

  test('100 channels: no warning', () => {
    const app = new App();
    const stack = envStack(app, 'Cameras');
    for (let i = 0; i < 100; i++) {
      link(stack, `Camera${i}`);
    }
    expect(warningsOf(stack)).toHaveLength(0);
  });

  test('101 channels split across two regions: no warning', () => {
    const app = new App();
    const ireland = envStack(app, 'Ireland');
    const frankfurt = envStack(app, 'Frankfurt', 'eu-central-1');
    for (let i = 0; i < 100; i++) {
      link(ireland, `Camera${i}`);
    }
    link(frankfurt, 'Camera');
    expect(warningsOf(ireland)).toHaveLength(0);
    expect(warningsOf(frankfurt)).toHaveLength(0);
  });

  test('env-agnostic stacks are counted together, and the warning says so', () => {
    const app = new App();
    const first = new Stack(app, 'First');
    const second = new Stack(app, 'Second');
    for (let i = 0; i < 100; i++) {
      link(first, `Camera${i}`);
    }
    link(second, 'Camera');
    const warnings = warningsOf(second);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].entry.data).toMatch(/in env-agnostic stacks \(counted together\) across the app/);
  });
});

describe('one link per channel across the app', () => {
  test('a second link on the same channel is refused at synthesis, naming the channel and both links', () => {
    const stack = new Stack(new App(), 'Cameras');
    const channel = new SignalingChannel(stack, 'Channel');
    new MediaStorageLink(stack, 'First', { channel, stream: new VideoStream(stack, 'One') });
    const error = errorOf(() => new MediaStorageLink(stack, 'Second', { channel, stream: new VideoStream(stack, 'Two') }));
    expectValidationError(error, 'channel', "'Cameras/Channel'");
    expect(error.message).toContain("'Cameras/First'");
    expect(error.message).toContain("'Cameras/Second'");
  });

  test('two channels, each with its own stream, are fine', () => {
    const stack = new Stack(new App(), 'Cameras');
    link(stack, 'Front');
    link(stack, 'Back');
    Template.fromStack(stack).resourceCountIs('Custom::KinesisVideoMediaStorageLink', 2);
  });
});

describe('MediaStorageLinkProps.channel: an ISignalingChannel, owned by the link\'s stack', () => {
  const CHANNEL_ARN = 'arn:aws:kinesisvideo:us-east-1:111111111111:channel/gate/1700000000000';

  test('a SignalingChannel of the link\'s stack is accepted through the interface type', () => {
    const stack = new Stack();
    const channel: ISignalingChannel = new SignalingChannel(stack, 'Channel');
    const stream = new VideoStream(stack, 'Stream');
    expect(() => new MediaStorageLink(stack, 'Link', { channel, stream })).not.toThrow();
  });

  test('an imported channel is refused, naming the property and the channel', () => {
    const stack = new Stack(new App(), 'Stack');
    const channel = SignalingChannel.fromSignalingChannelArn(stack, 'Imported', CHANNEL_ARN);
    const stream = new VideoStream(stack, 'Stream');
    const error = errorOf(() => new MediaStorageLink(stack, 'Link', { channel, stream }));
    expectValidationError(error, 'channel', "got 'Stack/Imported', an imported channel");
  });

  test('a channel of another stack is refused, naming the property and both stacks', () => {
    const app = new App();
    const channel = new SignalingChannel(new Stack(app, 'Channels'), 'Channel');
    const links = new Stack(app, 'Links');
    const stream = new VideoStream(links, 'Stream');
    const error = errorOf(() => new MediaStorageLink(links, 'Link', { channel, stream }));
    expectValidationError(error, 'channel', "in the stack of its channel ('Channels'), got a link in stack 'Links'");
  });
});
