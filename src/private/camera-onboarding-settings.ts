/**
 * The settings of a camera onboarding's worker: written into its environment by the construct
 * (src/camera-onboarding.ts) and read back by the handler (src/handlers/camera-onboarding/worker.lambda.ts).
 * Plain code: the handler's bundle imports this file too.
 */
import { ACCESS_GROUP_TAG_KEY } from './tags-and-quotas';

/** What the worker needs to know: the fleet's defaults for a run-time camera, and where its state and queue are. */
export interface CameraOnboardingSettings {
  /** The things (and cameras) of the fleet: their names start with it. */
  readonly namePrefix: string;
  readonly fleetTagKey: string;
  readonly fleetId: string;
  /** The tag that marks what the onboarding made (the only resources its worker may change). */
  readonly onboardingTagKey: string;
  readonly onboardingId: string;
  readonly messageTtlSeconds: number;
  readonly retentionHours: number;
  readonly mediaType: string;
  readonly storageTier?: string;
  readonly kmsKeyArn?: string;
  /** Retire deletes the stream too (the fleet's removal policy DESTROY); otherwise recordings are kept. */
  readonly deleteStream: boolean;
  /** The storage-enabled channels the onboarding may hold at once. */
  readonly storageBudget: number;
  readonly tableName: string;
  readonly queueUrl: string;
  readonly metricsNamespace: string;
  /** How long a camera announced by a pre-provisioning hook waits for its thing. */
  readonly provisioningGraceSeconds: number;
  readonly accessGroupTagKey: string;
  /** The thing attribute that names a camera's access group. */
  readonly accessGroupAttribute: string;
  /** The fleet's access group, for things without the attribute. */
  readonly defaultAccessGroup?: string;
}

/**
 * The environment variable of each setting, in the order the construct writes them (the order
 * shows in the template).
 */
export const CAMERA_ONBOARDING_ENV: { readonly [K in keyof CameraOnboardingSettings]-?: string } = {
  namePrefix: 'NAME_PREFIX',
  fleetTagKey: 'FLEET_TAG_KEY',
  fleetId: 'FLEET_ID',
  onboardingTagKey: 'ONBOARDING_TAG_KEY',
  onboardingId: 'ONBOARDING_ID',
  messageTtlSeconds: 'MESSAGE_TTL_SECONDS',
  retentionHours: 'RETENTION_HOURS',
  mediaType: 'MEDIA_TYPE',
  storageTier: 'STORAGE_TIER',
  kmsKeyArn: 'KMS_KEY_ARN',
  deleteStream: 'DELETE_STREAM',
  storageBudget: 'STORAGE_BUDGET',
  tableName: 'TABLE_NAME',
  queueUrl: 'QUEUE_URL',
  metricsNamespace: 'METRICS_NAMESPACE',
  provisioningGraceSeconds: 'PROVISIONING_GRACE_SECONDS',
  accessGroupTagKey: 'ACCESS_GROUP_TAG_KEY',
  accessGroupAttribute: 'ACCESS_GROUP_ATTRIBUTE',
  defaultAccessGroup: 'DEFAULT_ACCESS_GROUP',
};

/** The thing attribute of a camera's access group when the onboarding names none. */
export const DEFAULT_ACCESS_GROUP_ATTRIBUTE = 'accessGroup';

type SettingName = keyof CameraOnboardingSettings;

/** The worker's environment: every variable written, an absent optional setting as ''. */
export function toEnvironment(settings: CameraOnboardingSettings): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of Object.keys(CAMERA_ONBOARDING_ENV) as SettingName[]) {
    const value = settings[name];
    env[CAMERA_ONBOARDING_ENV[name]] = value === undefined ? '' : String(value);
  }
  return env;
}

/**
 * The settings from the worker's environment. A missing required variable is an error; a
 * missing or empty access-group tag key or attribute takes the library's default.
 */
export function fromEnvironment(env: Readonly<Record<string, string | undefined>>): CameraOnboardingSettings {
  const need = (name: SettingName): string => {
    const value = env[CAMERA_ONBOARDING_ENV[name]];
    if (value === undefined) {
      throw new Error(`the worker's environment has no ${CAMERA_ONBOARDING_ENV[name]}`);
    }
    return value;
  };
  const optional = (name: SettingName): string | undefined => env[CAMERA_ONBOARDING_ENV[name]] || undefined;
  return {
    namePrefix: need('namePrefix'),
    fleetTagKey: need('fleetTagKey'),
    fleetId: need('fleetId'),
    onboardingTagKey: need('onboardingTagKey'),
    onboardingId: need('onboardingId'),
    messageTtlSeconds: Number(need('messageTtlSeconds')),
    retentionHours: Number(need('retentionHours')),
    mediaType: need('mediaType'),
    storageTier: optional('storageTier'),
    kmsKeyArn: optional('kmsKeyArn'),
    deleteStream: need('deleteStream') === 'true',
    storageBudget: Number(need('storageBudget')),
    tableName: need('tableName'),
    queueUrl: need('queueUrl'),
    metricsNamespace: need('metricsNamespace'),
    provisioningGraceSeconds: Number(need('provisioningGraceSeconds')),
    accessGroupTagKey: optional('accessGroupTagKey') ?? ACCESS_GROUP_TAG_KEY,
    accessGroupAttribute: optional('accessGroupAttribute') ?? DEFAULT_ACCESS_GROUP_ATTRIBUTE,
    defaultAccessGroup: optional('defaultAccessGroup'),
  };
}
