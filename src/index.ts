export * from './signaling-channel';
export * from './video-stream';
export * from './webrtc-ingestion';
export * from './media-storage-link';
export * from './camera-fleet';
export * from './device-identity';
export * from './camera-onboarding';
export * from './viewer-identity';
