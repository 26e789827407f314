/**
 * How the rules of src/private/validation.ts word their errors, and who reports them: the
 * outermost construct that received the value, under the name the user wrote.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { CameraFleet, WebRtcIngestion } from '../../src';
import { errorOf, expectValidationError } from '../util/errors';

const newStack = () => new Stack(new App(), 'Stack');

describe('duration errors', () => {
  test('a value given in the rule\'s unit is shown once ("got 0 hours", not "got 0 hours (0 hours)")', () => {
    const error = errorOf(() => new WebRtcIngestion(newStack(), 'Camera', { retention: Duration.hours(0) }));
    expectValidationError(error, 'retention', 'got 0 hours');
    expect(error.message).not.toContain('(0 hours)');
  });

  test('a value given in another unit is shown in both', () => {
    const error = errorOf(() => new WebRtcIngestion(newStack(), 'Camera', { retention: Duration.minutes(90) }));
    expect(error.message).toContain('got 1.5 hours (1 hour 30 minutes)');
  });
});

describe('errors name the construct path', () => {
  test('a camera\'s bad storage tier names the camera', () => {
    const error = errorOf(() => new WebRtcIngestion(newStack(), 'Camera', { storageTier: 'COLD' as any }));
    expectValidationError(error, 'storageTier', "'COLD'");
    expect(error.message).toContain("in 'Stack/Camera'");
  });

  test('a fleet camera\'s bad name names the fleet', () => {
    const error = errorOf(() => new CameraFleet(newStack(), 'Fleet').addCamera('front door'));
    expectValidationError(error, 'name', "'front door'");
    expect(error.message).toContain("in 'Stack/Fleet'");
  });
});

describe('each value checked by the outermost construct, under the name the user wrote', () => {
  test('a fleet camera\'s retention: the fleet refuses it, as retention', () => {
    const fleet = new CameraFleet(newStack(), 'Fleet', { retention: Duration.hours(0) });
    const error = errorOf(() => fleet.addCamera('door'));
    expectValidationError(error, 'retention', '0 hours');
    expect(fleet.node.tryFindChild('door')).toBeUndefined();
  });

  test('a fleet camera\'s name used twice in a stack: reported as name, with both cameras', () => {
    const stack = newStack();
    new CameraFleet(stack, 'One').addCamera('door');
    new CameraFleet(stack, 'Two').addCamera('door');
    const error = errorOf(() => (stack.node.root as App).synth());
    expect(error.message).toMatch(/duplicate name 'door'/);
    expect(error.message).not.toMatch(/duplicate (channelName|streamName|signalingChannelName|videoStreamName)/);
    expect(error.message).toContain('Stack/One/door');
    expect(error.message).toContain('Stack/Two/door');
  });

  test('a camera\'s messageTtl: reported once, by the camera, as messageTtl', () => {
    const stack = newStack();
    const error = errorOf(() => new WebRtcIngestion(stack, 'Camera', { messageTtl: Duration.seconds(3) }));
    expectValidationError(error, 'messageTtl', '3 seconds');
    expect(stack.node.tryFindChild('Camera')?.node.tryFindChild('Channel')).toBeUndefined();
  });
});
