/**
 * The MediaStorageLink construct: the link's ServiceTimeout, the tags it puts on its resources, its
 * channel. (The app-wide checks are in test/private/link-registry.test.ts.)
 */
import { App, Stack, Tags } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ISignalingChannel, IVideoStream, MediaStorageLink, SignalingChannel, VideoStream, WebRtcIngestion } from '../src';
import { errorOf, expectValidationError } from './util/errors';


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
