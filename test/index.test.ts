/**
 * The public surface in aws-cdk's idiom (DESIGN_GUIDELINES.md): `*Base` classes stay private,
 * imports are `fromXxxAttributes`.
 */
import { Stack } from 'aws-cdk-lib';
import * as lib from '../src';
import { WebRtcIngestion } from '../src';

test('no *Base class is exported, and every construct is', () => {
  const exported = Object.keys(lib);
  expect(exported.filter(name => name.endsWith('Base'))).toEqual([]);
  expect(exported).toEqual(expect.arrayContaining([
    'SignalingChannel', 'VideoStream', 'WebRtcIngestion', 'MediaStorageLink', 'CameraFleet', 'DeviceIdentity', 'ViewerIdentity',
  ]));
});

test('WebRtcIngestion imports with fromWebRtcIngestionAttributes only, as its building blocks do', () => {
  expect((WebRtcIngestion as any).fromAttributes).toBeUndefined();
  const camera = WebRtcIngestion.fromWebRtcIngestionAttributes(new Stack(), 'Gate', {
    channelArn: 'arn:aws:kinesisvideo:us-east-1:111111111111:channel/gate/1700000000000',
    streamArn: 'arn:aws:kinesisvideo:us-east-1:111111111111:stream/gate/1700000000001',
  });
  expect(camera.channelName).toBe('gate');
});
