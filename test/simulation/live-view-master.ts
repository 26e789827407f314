/// <reference lib="dom" />
/**
 * The fake camera of the live-view end-to-end test: a page in Chromium (fake camera and
 * microphone) that is the master of one signaling channel through the official signaling client,
 * answering every viewer's offer with its own peer connection. Bundled by the test with esbuild.
 * Parameters in the URL's hash: endpoint, channelArn, region, accessKeyId, secretAccessKey.
 */
import { Role, SignalingClient } from 'amazon-kinesis-video-streams-webrtc';

declare global {
  interface Window {
    masterOpen?: boolean;
    recordClip(ms: number): Promise<string>;
  }
}

const params = new URLSearchParams(location.hash.slice(1));

async function main(): Promise<void> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480, frameRate: 30 }, audio: true });
  const client = new SignalingClient({
    channelARN: params.get('channelArn')!,
    channelEndpoint: params.get('endpoint')!,
    role: Role.MASTER,
    region: params.get('region')!,
    credentials: { accessKeyId: params.get('accessKeyId')!, secretAccessKey: params.get('secretAccessKey')! },
    systemClockOffset: 0,
  });
  const peers = new Map<string, RTCPeerConnection>();
  client.on('sdpOffer', async (offer: RTCSessionDescriptionInit, viewer: string) => {
    peers.get(viewer)?.close();
    const pc = new RTCPeerConnection({ iceServers: [] });
    peers.set(viewer, pc);
    stream.getTracks().forEach(track => pc.addTrack(track, stream));
    pc.addEventListener('icecandidate', ({ candidate }) => { if (candidate) client.sendIceCandidate(candidate, viewer); });
    await pc.setRemoteDescription(offer);
    await pc.setLocalDescription(await pc.createAnswer());
    client.sendSdpAnswer(pc.localDescription!, viewer);
  });
  client.on('iceCandidate', (candidate: RTCIceCandidateInit, viewer: string) => void peers.get(viewer)?.addIceCandidate(candidate));
  client.on('open', () => { window.masterOpen = true; });
  client.open();

  // "The recording": a few seconds of the fake camera as fragmented MP4 with H.264, for the HLS stand-in.
  window.recordClip = async (ms: number) => {
    const recorder = new MediaRecorder(new MediaStream(stream.getVideoTracks()), { mimeType: 'video/mp4;codecs=avc1.42E01F' });
    const chunks: Blob[] = [];
    recorder.ondataavailable = e => chunks.push(e.data);
    const done = new Promise(resolve => { recorder.onstop = resolve; });
    recorder.start();
    await new Promise(resolve => setTimeout(resolve, ms));
    recorder.stop();
    await done;
    const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
    let s = '';
    bytes.forEach(b => { s += String.fromCharCode(b); });
    return btoa(s);
  };
}

void main();
