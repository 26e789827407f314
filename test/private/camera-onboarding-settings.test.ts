/**
 * The onboarding worker's settings (src/private/camera-onboarding-settings.ts): what the construct
 * writes is what the worker reads, every variable written, and the defaults the worker applies.
 */
import { CAMERA_ONBOARDING_ENV, CameraOnboardingSettings, fromEnvironment, toEnvironment } from '../../src/private/camera-onboarding-settings';
import { ACCESS_GROUP_TAG_KEY } from '../../src/private/tags-and-quotas';

const SETTINGS: CameraOnboardingSettings = {
  namePrefix: 'shop-',
  fleetTagKey: 'cdk-kinesis-video-webrtc:fleet',
  fleetId: 'Shop/fleet',
  onboardingTagKey: 'cdk-kinesis-video-webrtc:onboarding',
  onboardingId: 'Shop/onboarding',
  messageTtlSeconds: 60,
  retentionHours: 24,
  mediaType: 'video/h264,audio/aac',
  storageTier: 'WARM',
  kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1',
  deleteStream: true,
  storageBudget: 80,
  tableName: 'State',
  queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/onboarding',
  metricsNamespace: 'CdkKinesisVideoWebrtc/CameraOnboarding',
  provisioningGraceSeconds: 3600,
  accessGroupTagKey: ACCESS_GROUP_TAG_KEY,
  accessGroupAttribute: 'household',
  defaultAccessGroup: 'lobby',
};

test('the worker reads back what the construct writes', () => {
  expect(fromEnvironment(toEnvironment(SETTINGS))).toEqual(SETTINGS);
  const bare = { ...SETTINGS, storageTier: undefined, kmsKeyArn: undefined, defaultAccessGroup: undefined, deleteStream: false };
  expect(fromEnvironment(toEnvironment(bare))).toEqual(bare);
});

test('every variable is written, as a string, in the order of CAMERA_ONBOARDING_ENV; an absent optional one as \'\'', () => {
  const env = toEnvironment({ ...SETTINGS, storageTier: undefined, kmsKeyArn: undefined, defaultAccessGroup: undefined });
  expect(Object.keys(env)).toEqual(Object.values(CAMERA_ONBOARDING_ENV));
  expect(env).toMatchObject({
    MESSAGE_TTL_SECONDS: '60',
    DELETE_STREAM: 'true',
    STORAGE_BUDGET: '80',
    PROVISIONING_GRACE_SECONDS: '3600',
    STORAGE_TIER: '',
    KMS_KEY_ARN: '',
    DEFAULT_ACCESS_GROUP: '',
  });
  expect(new Set(Object.values(CAMERA_ONBOARDING_ENV)).size).toBe(Object.keys(CAMERA_ONBOARDING_ENV).length);
});

test('without an access-group tag key or attribute (or with empty ones), the library\'s defaults', () => {
  const env: Record<string, string | undefined> = toEnvironment(SETTINGS);
  delete env.ACCESS_GROUP_TAG_KEY;
  env.ACCESS_GROUP_ATTRIBUTE = '';
  expect(fromEnvironment(env)).toMatchObject({ accessGroupTagKey: ACCESS_GROUP_TAG_KEY, accessGroupAttribute: 'accessGroup' });
});

test('a missing required variable is an error that names it', () => {
  const env: Record<string, string | undefined> = toEnvironment(SETTINGS);
  delete env.QUEUE_URL;
  expect(() => fromEnvironment(env)).toThrow("the worker's environment has no QUEUE_URL");
});
