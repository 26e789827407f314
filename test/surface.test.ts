/**
 * The public surface in aws-cdk's idiom (DESIGN_GUIDELINES.md): `*Base` classes stay private,
 * imports are `fromXxxAttributes`, props take interfaces, no unused public members.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as lib from '../src';
import { MediaStorageLink, SignalingChannel, VideoStream, WebRtcIngestion } from '../src';
import { MediaStorageLinkProvider } from '../src/private/media-storage-link-provider';

const CHANNEL_ARN = 'arn:aws:kinesisvideo:us-east-1:111111111111:channel/gate/1700000000000';
const STREAM_ARN = 'arn:aws:kinesisvideo:us-east-1:111111111111:stream/gate/1700000000001';

describe('exports', () => {
  test('no *Base class is exported', () => {
    const exported = Object.keys(lib);
    expect(exported.filter(name => name.endsWith('Base'))).toEqual([]);
    expect(exported).toEqual(expect.arrayContaining(['SignalingChannel', 'VideoStream', 'WebRtcIngestion', 'MediaStorageLink', 'CameraFleet']));
  });

  test('the concrete classes still carry the grants and metrics of their private bases', () => {
    const stack = new Stack();
    const imported = SignalingChannel.fromSignalingChannelArn(stack, 'Channel', CHANNEL_ARN);
    expect(typeof imported.grantMaster).toBe('function');
    const stream = new VideoStream(stack, 'Stream');
    expect(typeof stream.metricPutMediaSuccess).toBe('function');
  });

  test('WebRtcIngestion imports with fromWebRtcIngestionAttributes, as its building blocks do', () => {
    expect(typeof WebRtcIngestion.fromWebRtcIngestionAttributes).toBe('function');
    expect((WebRtcIngestion as any).fromAttributes).toBeUndefined();
    const camera = WebRtcIngestion.fromWebRtcIngestionAttributes(new Stack(), 'Gate', { channelArn: CHANNEL_ARN, streamArn: STREAM_ARN });
    expect(camera.channelName).toBe('gate');
  });

  test('the link provider exposes no role (nothing reads it)', () => {
    const provider = MediaStorageLinkProvider.getOrCreate(new Stack());
    expect(Object.keys(provider)).not.toContain('role');
    expect((provider as any).role).toBeUndefined();
  });
});

describe('MediaStorageLinkProps.channel: an ISignalingChannel, owned by the link\'s stack', () => {
  test('a SignalingChannel of the link\'s stack is accepted through the interface type', () => {
    const stack = new Stack();
    const channel: lib.ISignalingChannel = new SignalingChannel(stack, 'Channel');
    const stream = new VideoStream(stack, 'Stream');
    expect(() => new MediaStorageLink(stack, 'Link', { channel, stream })).not.toThrow();
  });

  test('an imported channel is refused, naming the property and the channel', () => {
    const stack = new Stack(new App(), 'Stack');
    const channel = SignalingChannel.fromSignalingChannelArn(stack, 'Imported', CHANNEL_ARN);
    const stream = new VideoStream(stack, 'Stream');
    expect(() => new MediaStorageLink(stack, 'Link', { channel, stream }))
      .toThrow(/^invalid channel: a MediaStorageLink needs a SignalingChannel defined in its own stack \('Stack'\), got 'Stack\/Imported', an imported channel/);
  });

  test('a channel of another stack is refused, naming the property and both stacks', () => {
    const app = new App();
    const channel = new SignalingChannel(new Stack(app, 'Channels'), 'Channel');
    const links = new Stack(app, 'Links');
    const stream = new VideoStream(links, 'Stream');
    expect(() => new MediaStorageLink(links, 'Link', { channel, stream }))
      .toThrow(/^invalid channel: a MediaStorageLink must be in the stack of its channel \('Channels'\), got a link in stack 'Links'/);
  });
});
