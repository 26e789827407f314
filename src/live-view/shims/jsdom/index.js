// Never loaded by the page: amazon-kinesis-video-streams-webrtc's lib/ does not require jsdom.
throw new Error('jsdom is not available in the live-view page build');
