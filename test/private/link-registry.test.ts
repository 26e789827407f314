/**
 * The app-wide link registry: one link per channel and per stream across the app, and the account
 * quota of storage-enabled channels.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { IVideoStream, MediaStorageLink, SignalingChannel, VideoStream } from '../../src';
import { errorOf, expectValidationError } from '../util/errors';

const QUOTA_WARNING = /more than 100 signaling channels with media storage enabled in account 123456789012, region eu-west-1 across the app; Kinesis Video Streams allows "Signaling channels: maximum of 100 per account with storage configuration enabled" \(developer guide, "Ingest media"\)/;

function link(stack: Stack, id: string, stream: IVideoStream = new VideoStream(stack, `${id}Stream`)): MediaStorageLink {
  return new MediaStorageLink(stack, id, { channel: new SignalingChannel(stack, `${id}Channel`), stream });
}

const envStack = (app: App, id: string, region = 'eu-west-1') => new Stack(app, id, { env: { account: '123456789012', region } });

describe('one link per stream across the app', () => {
  test('the same stream in two links of two stacks: an error naming both links', () => {
    const app = new App();
    const cameras = new Stack(app, 'Cameras');
    const stream = new VideoStream(cameras, 'Stream');
    link(cameras, 'Door', stream);
    const other = new Stack(app, 'Other');

    const error = errorOf(() => new MediaStorageLink(other, 'Yard', { channel: new SignalingChannel(other, 'YardChannel'), stream }));
    expectValidationError(error, 'stream', "video stream 'Cameras/Stream' is already linked by 'Cameras/Door'");
    expect(error.message).toContain("got a second link 'Other/Yard'");
  });

  test('two imports of the same literal ARN are the same stream', () => {
    const app = new App();
    const stack = envStack(app, 'Cameras');
    const arn = 'arn:aws:kinesisvideo:eu-west-1:123456789012:stream/front-door/1700000000000';
    link(stack, 'Door', VideoStream.fromVideoStreamArn(stack, 'Imported1', arn));
    const other = envStack(app, 'Other');

    expectValidationError(errorOf(() => link(other, 'Yard', VideoStream.fromVideoStreamArn(other, 'Imported2', arn))),
      'stream', `video stream '${arn}' is already linked by 'Cameras/Door'`);
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
