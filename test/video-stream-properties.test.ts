/**
 * Every property of AWS::KinesisVideo::Stream: DeviceName and
 * StreamStorageConfiguration.DefaultStorageTier (HOT | WARM), validated at synthesis, at the
 * aws-cdk-lib floor (whose CfnStream has no streamStorageConfiguration: an override writes it).
 */
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CameraFleet, StorageTier, VideoStream, WebRtcIngestion } from '../src';

function newStack(): Stack {
  return new Stack(new App(), 'Stack');
}

describe('VideoStream deviceName and storageTier', () => {
  test('both reach the template, in CloudFormation\'s shape', () => {
    const stack = newStack();
    new VideoStream(stack, 'Stream', { deviceName: 'door-cam_1.0', storageTier: StorageTier.WARM });
    Template.fromStack(stack).hasResourceProperties('AWS::KinesisVideo::Stream', Match.objectEquals({
      DataRetentionInHours: 24,
      DeviceName: 'door-cam_1.0',
      StreamStorageConfiguration: { DefaultStorageTier: 'WARM' },
    }));
  });

  test('HOT is written when given', () => {
    const stack = newStack();
    new VideoStream(stack, 'Stream', { storageTier: StorageTier.HOT });
    Template.fromStack(stack).hasResourceProperties('AWS::KinesisVideo::Stream', {
      StreamStorageConfiguration: { DefaultStorageTier: 'HOT' },
      DeviceName: Match.absent(),
    });
  });

  test('neither is written when not given (the service defaults apply)', () => {
    const stack = newStack();
    new VideoStream(stack, 'Stream');
    Template.fromStack(stack).hasResourceProperties('AWS::KinesisVideo::Stream', {
      DeviceName: Match.absent(),
      StreamStorageConfiguration: Match.absent(),
    });
  });

  test('the enum holds exactly the schema\'s values', () => {
    expect(Object.values(StorageTier).sort()).toEqual(['HOT', 'WARM']);
  });

  test.each([
    ['an empty name', ''],
    ['129 characters', 'a'.repeat(129)],
    ['a space', 'front door'],
    ['a slash', 'front/door'],
    ['a colon (allowed in IoT thing names, not here)', 'shop:door'],
  ])('deviceName with %s is refused, naming the property and the value', (_, deviceName) => {
    expect(() => new VideoStream(newStack(), 'Stream', { deviceName }))
      .toThrow(`invalid deviceName: expected 1 to 128 characters from a-z, A-Z, 0-9, '_', '.' and '-', got '${deviceName}' (${deviceName.length} characters)`);
  });

  test('deviceName of 128 characters is accepted', () => {
    expect(() => new VideoStream(newStack(), 'Stream', { deviceName: 'a'.repeat(128) })).not.toThrow();
  });

  test('a storageTier outside the enum (a raw string from JavaScript or another language) is refused', () => {
    expect(() => new VideoStream(newStack(), 'Stream', { storageTier: 'COLD' as StorageTier }))
      .toThrow("invalid storageTier: expected one of 'HOT', 'WARM', got 'COLD'");
    expect(() => new VideoStream(newStack(), 'Stream2', { storageTier: 'warm' as StorageTier }))
      .toThrow("invalid storageTier: expected one of 'HOT', 'WARM', got 'warm'");
  });

  test('tokens pass unchecked into the template', () => {
    const stack = newStack();
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
    const stack = newStack();
    new WebRtcIngestion(stack, 'Camera', { deviceName: 'doorbell', storageTier: StorageTier.WARM });
    Template.fromStack(stack).hasResourceProperties('AWS::KinesisVideo::Stream', {
      DeviceName: 'doorbell',
      StreamStorageConfiguration: { DefaultStorageTier: 'WARM' },
      MediaType: 'video/h264,audio/aac',
    });
    expect(() => new WebRtcIngestion(newStack(), 'Camera', { deviceName: 'door bell' })).toThrow(/^invalid deviceName: /);
  });

  test('CameraFleet: a fleet-wide storageTier, overridden per camera', () => {
    const stack = newStack();
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
