/**
 * The tag keys the library writes on the resources it makes, and the service quotas it plans
 * around: one home, shared by the constructs and by the Lambda handlers (their bundles import
 * this file too, so it holds plain constants only).
 */

/** A fleet's channels and streams: the fleet grants act only where it holds the fleet's id. */
export const FLEET_TAG_KEY = 'cdk-kinesis-video-webrtc:fleet';

/** The channels and streams a camera onboarding made: the only ones its worker may change or delete. */
export const ONBOARDING_TAG_KEY = 'cdk-kinesis-video-webrtc:onboarding';

/** The access group (a household) whose users may watch a camera: matched against their principal tag. */
export const ACCESS_GROUP_TAG_KEY = 'cdk-kinesis-video-webrtc:access-group';

/** The link that owns a channel's media storage mapping (stack and logical id); docs/design/link-handler.md, "Ownership". */
export const LINK_OWNER_TAG_KEY = 'cdk-kinesis-video-webrtc:link';

/** The id of the stack whose link provider may act on a channel or stream. */
export const LINK_SCOPE_TAG_KEY = 'cdk-kinesis-video-webrtc:stack-id';

/**
 * Above the default priority (100) of `Tags.of(...).add`, so that a user's tag of the same key
 * cannot move a resource out of its fleet, access group or link scope.
 */
export const LIBRARY_TAG_PRIORITY = 1_000;

/** "Ingest media" page: at most 100 signaling channels per account and region with storage enabled. */
export const STORAGE_ENABLED_CHANNELS_PER_ACCOUNT = 100;
