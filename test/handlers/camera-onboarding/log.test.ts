/**
 * The worker's telemetry (src/handlers/camera-onboarding/log.ts): a log line names the onboarding
 * and the step; a metric line is CloudWatch embedded metric format in the namespace and with the
 * dimension the construct's metrics read.
 */
import { Telemetry } from '../../../src/handlers/camera-onboarding/log';

const lines: string[] = [];
const telemetry = new Telemetry('CdkKinesisVideoWebrtc/CameraOnboarding', 'Shop/onboarding', (line) => void lines.push(line));
const last = () => JSON.parse(lines[lines.length - 1]);

beforeEach(() => {
  lines.length = 0;
});

test('a log line is one JSON line: level info unless told, the onboarding, then the fields', () => {
  telemetry.log({ camera: 'shop-1', step: 'onboard', message: 'made' });
  expect(lines).toHaveLength(1);
  expect(last()).toEqual({ level: 'info', onboarding: 'Shop/onboarding', camera: 'shop-1', step: 'onboard', message: 'made' });
  telemetry.log({ level: 'error', step: 'reconcile', attempts: 3 });
  expect(last()).toEqual({ level: 'error', onboarding: 'Shop/onboarding', step: 'reconcile', attempts: 3 });
});

test('a metric line declares the metric (namespace, Onboarding dimension, Count) and carries its value', () => {
  jest.spyOn(Date, 'now').mockReturnValue(1_700_000_000_000);
  try {
    telemetry.metric('OverBudget', 1, { camera: 'shop-9' });
  } finally {
    jest.restoreAllMocks();
  }
  expect(last()).toEqual({
    _aws: {
      Timestamp: 1_700_000_000_000,
      CloudWatchMetrics: [{
        Namespace: 'CdkKinesisVideoWebrtc/CameraOnboarding',
        Dimensions: [['Onboarding']],
        Metrics: [{ Name: 'OverBudget', Unit: 'Count' }],
      }],
    },
    Onboarding: 'Shop/onboarding',
    OverBudget: 1,
    camera: 'shop-9',
  });
});

test('the default output is console.log (CloudWatch Logs keeps stdout)', () => {
  const log = jest.spyOn(console, 'log').mockImplementation(() => {});
  try {
    new Telemetry('N', 'O').log({ step: 'x' });
    expect(log).toHaveBeenCalledWith(JSON.stringify({ level: 'info', onboarding: 'O', step: 'x' }));
  } finally {
    jest.restoreAllMocks();
  }
});
