/**
 * The live-view page of `LiveViewApp`: sign-in with the user pool's managed login (authorization
 * code with PKCE), the signed-in person's cameras (the camera directory object of their own
 * access group, which only they may read), live view as VIEWER with the official signaling
 * client (reconnecting after a drop), and playback of the recording with HLS.
 *
 * Configuration: `config.json` beside the page, written at deployment by `LiveViewApp`.
 */
import { Role, SignalingClient } from 'amazon-kinesis-video-streams-webrtc';
import { AwsError, claimsOf, Credentials, exchangeCode, identityCredentials, pkce, signedRequest, Tokens } from './aws';

/** `config.json`. */
interface Config {
  readonly region: string;
  readonly userPoolClientId: string;
  readonly identityPoolId: string;
  /** The identity pool's provider name of the user pool, `cognito-idp.<region>.amazonaws.com/<pool id>`. */
  readonly identityProvider: string;
  /** The managed login's base URL, `https://…`. */
  readonly signInUrl: string;
  /** The ID-token claim that holds the user's access group. */
  readonly accessGroupClaim: string;
  /** The camera directory's base URL (its S3 bucket); `cameras/<access group>.json` there. */
  readonly directoryUrl: string;
  /** The regional Kinesis Video endpoint. */
  readonly kinesisVideoUrl: string;
  /** The identity pool's endpoint. */
  readonly cognitoIdentityUrl: string;
  /** STUN servers besides the channel's TURN servers (Kinesis Video's own STUN server). */
  readonly stunUrls: readonly string[];
  /** How long a viewer waits for the camera's answer before it calls the camera offline. */
  readonly offlineTimeoutSeconds?: number;
}

/** An entry of the camera directory. */
interface Camera {
  readonly name: string;
  readonly channelName: string;
  readonly streamName: string;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const SESSION_KEY = 'live-view:tokens';
const PKCE_KEY = 'live-view:pkce';
const CREDENTIALS_KEY = 'live-view:credentials';

let config: Config;
let credentials: Credentials | undefined;
let tokens: Tokens | undefined;
let live: LiveView | undefined;

/** The one message line: status, or an alert. */
function say(text: string, kind: 'info' | 'error' | 'ok' = 'info'): void {
  const el = $('message');
  el.textContent = text;
  el.dataset.kind = kind;
  el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
}

function show(id: string, visible: boolean): void {
  $(id).hidden = !visible;
}

/** Where the managed login sends the user back: this page, without query or hash. */
function redirectUri(): string {
  return `${location.origin}${location.pathname}`;
}

async function main(): Promise<void> {
  // preloaded by index.html; CloudFront's copy is invalidated by every deployment
  config = await (await fetch('config.json')).json();
  $('sign-in').addEventListener('click', () => void signIn());
  $('sign-out').addEventListener('click', signOut);
  $('live-button').addEventListener('click', () => current && void startLive(current));
  $('playback-form').addEventListener('submit', event => {
    event.preventDefault();
    if (current) void playback(current, $<HTMLInputElement>('playback-start').value);
  });
  $('playback-live').addEventListener('click', () => current && void playback(current, undefined));
  window.addEventListener('hashchange', () => void route());

  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  if (code !== null) {
    type Saved = { verifier: string; state: string; hash: string };
    const saved = JSON.parse(sessionStorage.getItem(PKCE_KEY) ?? 'null') as Saved | null;
    sessionStorage.removeItem(PKCE_KEY);
    history.replaceState(null, '', redirectUri() + (saved?.hash ?? ''));
    if (saved === null || params.get('state') !== saved.state) {
      say('The sign-in could not be completed (it did not start here). Sign in again.', 'error');
    } else {
      try {
        tokens = await exchangeCode({
          signInUrl: config.signInUrl, clientId: config.userPoolClientId, code, verifier: saved.verifier, redirectUri: redirectUri(),
        });
        sessionStorage.setItem(SESSION_KEY, JSON.stringify(tokens));
      } catch (e) {
        say(`The sign-in failed: ${(e as Error).message}`, 'error');
      }
    }
  } else {
    tokens = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null') ?? undefined;
  }
  if (tokens === undefined || expired(tokens.idToken)) {
    tokens = undefined;
    sessionStorage.removeItem(SESSION_KEY);
    show('signed-out', true);
    if ($('message').dataset.kind !== 'error') say('You are signed out. Sign in to see your cameras.');
    return;
  }
  show('sign-out', true);
  // a camera named in the URL starts connecting while the list loads
  await Promise.all([listCameras(), route()]);
}

function expired(jwt: string): boolean {
  const exp = Number(claimsOf(jwt).exp ?? 0);
  return exp * 1000 < Date.now() + 60_000;
}

async function signIn(): Promise<void> {
  const { verifier, challenge } = await pkce();
  const state = crypto.randomUUID();
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state, hash: location.hash }));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: config.userPoolClientId,
    redirect_uri: redirectUri(),
    scope: 'openid',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  location.assign(`${config.signInUrl}/oauth2/authorize?${query}`);
}

function signOut(): void {
  live?.stop();
  sessionStorage.removeItem(SESSION_KEY);
  sessionStorage.removeItem(CREDENTIALS_KEY);
  const query = new URLSearchParams({ client_id: config.userPoolClientId, logout_uri: redirectUri() });
  location.assign(`${config.signInUrl}/logout?${query}`);
}

/** The identity pool's credentials, kept for the tab's session (as the tokens are) until shortly before they expire. */
async function awsCredentials(): Promise<Credentials> {
  credentials ??= JSON.parse(sessionStorage.getItem(CREDENTIALS_KEY) ?? 'null') ?? undefined;
  if (credentials === undefined || credentials.expiration < Date.now() + 60_000) {
    credentials = await identityCredentials({
      endpoint: config.cognitoIdentityUrl,
      identityPoolId: config.identityPoolId,
      provider: config.identityProvider,
      idToken: tokens!.idToken,
    });
    sessionStorage.setItem(CREDENTIALS_KEY, JSON.stringify(credentials));
  }
  return credentials;
}

/** A signed JSON call of Kinesis Video (control plane, or an endpoint it gave). */
async function kvs(url: string, body: unknown): Promise<any> {
  return signedRequest({ url, body, service: 'kinesisvideo', region: config.region, credentials: await awsCredentials() });
}

let cameras: Camera[] = [];
let current: Camera | undefined;

async function listCameras(): Promise<void> {
  const group = claimsOf(tokens!.idToken)[config.accessGroupClaim];
  if (typeof group !== 'string' || group === '') {
    say('Your account is in no access group yet, so there are no cameras to show. Ask your administrator.');
    return;
  }
  if (current === undefined) say('Loading your cameras…');
  try {
    const directory = await signedRequest({
      url: `${config.directoryUrl}/cameras/${encodeURIComponent(group)}.json`,
      method: 'GET',
      service: 's3',
      region: config.region,
      credentials: await awsCredentials(),
    });
    cameras = directory.cameras ?? [];
  } catch (e) {
    if (e instanceof AwsError && e.code === 'NoSuchKey') {
      cameras = [];
    } else {
      say(describe(e, 'Your cameras could not be listed'), 'error');
      return;
    }
  }
  const list = $('camera-list');
  list.replaceChildren(...cameras.map(camera => {
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = `#camera=${encodeURIComponent(camera.name)}`;
    link.textContent = camera.name;
    item.append(link);
    return item;
  }));
  show('cameras', true);
  if (cameras.length === 0) {
    say('There are no cameras in your access group.');
    return;
  }
  if (current === undefined) say(`${cameras.length} camera${cameras.length === 1 ? '' : 's'}. Choose one to watch.`);
}

/** `#camera=<name>`: the camera to watch; a shared link may name one that is not the user's. */
async function route(): Promise<void> {
  const name = new URLSearchParams(location.hash.slice(1)).get('camera');
  if (name === null || tokens === undefined) return;
  const camera = cameras.find(c => c.name === name) ?? { name, channelName: name, streamName: name };
  current = camera;
  $('camera-title').textContent = camera.name;
  show('viewer', true);
  await startLive(camera);
}

function describe(e: unknown, what: string): string {
  if (e instanceof AwsError && e.refused) return `Access refused: ${what.toLowerCase()} with your account (${e.code}).`;
  if (e instanceof AwsError && e.code === 'ResourceNotFoundException') return `${what}: it does not exist.`;
  return `${what}: ${(e as Error).message ?? e}`;
}

// ---------------------------------------------------------------------------------------------
// Live view

async function startLive(camera: Camera): Promise<void> {
  live?.stop();
  live = new LiveView(camera, $<HTMLVideoElement>('live'));
  await live.start();
}

/** One camera's live view: connects, and reconnects with backoff after a drop until stopped. */
class LiveView {
  private stopped = false;
  private attempt = 0;
  private pc?: RTCPeerConnection;
  private signaling?: SignalingClient;
  private offlineTimer?: number;
  private firstFrame = false;

  constructor(private readonly camera: Camera, private readonly video: HTMLVideoElement) {}

  public async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  public stop(): void {
    this.stopped = true;
    this.teardown();
  }

  private teardown(): void {
    window.clearTimeout(this.offlineTimer);
    const signaling = this.signaling;
    this.signaling = undefined;
    signaling?.removeAllListeners();
    signaling?.close();
    this.pc?.close();
    this.pc = undefined;
  }

  private reconnect(why: string): void {
    if (this.stopped) return;
    this.teardown();
    const delay = Math.min(1000 * 2 ** this.attempt, 10_000);
    this.attempt++;
    say(`${why} Reconnecting to ${this.camera.name}…`, 'info');
    window.setTimeout(() => { if (!this.stopped) void this.connect(); }, delay);
  }

  private async connect(): Promise<void> {
    const name = this.camera.name;
    say(`Connecting to ${name}…`);
    let channelArn: string;
    let endpoints: Record<string, string>;
    let iceConfig: Promise<any>;
    let ingestion = false;
    try {
      const described = await kvs(`${config.kinesisVideoUrl}/describeSignalingChannel`, { ChannelName: this.camera.channelName });
      channelArn = described.ChannelInfo.ChannelARN;
      // in parallel: whether the channel is recorded, and its endpoints (WEBRTC is the storage session's)
      const [storage, got] = await Promise.all([
        kvs(`${config.kinesisVideoUrl}/describeMediaStorageConfiguration`, { ChannelARN: channelArn }),
        kvs(`${config.kinesisVideoUrl}/getSignalingChannelEndpoint`, {
          ChannelARN: channelArn,
          SingleMasterChannelEndpointConfiguration: { Protocols: ['WSS', 'HTTPS', 'WEBRTC'], Role: 'VIEWER' },
        }),
      ]);
      ingestion = storage.MediaStorageConfiguration?.Status === 'ENABLED';
      endpoints = Object.fromEntries(got.ResourceEndpointList.map((e: any) => [e.Protocol, e.ResourceEndpoint]));
      // the TURN servers arrive while the signaling connection opens
      iceConfig = kvs(`${endpoints.HTTPS}/v1/get-ice-server-config`, { ChannelARN: channelArn, Service: 'TURN' });
    } catch (e) {
      if (e instanceof AwsError && (e.refused || e.code === 'ResourceNotFoundException')) {
        say(describe(e, `Camera ${name} cannot be watched`), 'error');
        return;
      }
      this.reconnect(describe(e, `Camera ${name} could not be reached`));
      return;
    }

    const clientId = `viewer-${crypto.randomUUID()}`;
    const stun: RTCIceServer[] = config.stunUrls.map(urls => ({ urls }));
    const pc = new RTCPeerConnection({ iceServers: stun });
    this.pc = pc;
    pc.addTransceiver('video', { direction: 'recvonly' });
    pc.addTransceiver('audio', { direction: 'recvonly' });
    const creds = await awsCredentials();
    const signaling = new SignalingClient({
      channelARN: channelArn,
      channelEndpoint: endpoints.WSS,
      clientId,
      role: Role.VIEWER,
      region: config.region,
      credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken },
      systemClockOffset: 0,
    });
    this.signaling = signaling;

    // the offer is made (with the TURN servers, before gathering starts) while the signaling connection opens
    const offered = iceConfig.then(async ice => {
      const turn = (ice.IceServerList ?? []).map((t: any) => ({ urls: t.Uris, username: t.Username, credential: t.Password }));
      pc.setConfiguration({ ...pc.getConfiguration(), iceServers: [...stun, ...turn] });
      await pc.setLocalDescription(await pc.createOffer());
    });
    offered.catch(() => { /* awaited, and reported, when the connection opens */ });
    signaling.on('open', async () => {
      try {
        await offered;
        signaling.sendSdpOffer(pc.localDescription!);
        if (ingestion) {
          // a recorded channel: media comes through the storage session, which the viewer joins
          await kvs(`${endpoints.WEBRTC}/joinStorageSessionAsViewer`, { channelArn, clientId });
        }
      } catch (e) {
        if (e instanceof AwsError && e.refused) {
          say(describe(e, `Camera ${name} cannot be watched`), 'error');
          this.stop();
          return;
        }
        this.reconnect(describe(e, `The connection to ${name} failed`));
        return;
      }
      window.clearTimeout(this.offlineTimer);
      this.offlineTimer = window.setTimeout(() => {
        say(`Camera ${name} is offline: it did not answer. Trying again…`, 'error');
        this.reconnect(`Camera ${name} is offline.`);
      }, (config.offlineTimeoutSeconds ?? 10) * 1000);
    });
    signaling.on('sdpAnswer', async (answer: RTCSessionDescriptionInit) => {
      window.clearTimeout(this.offlineTimer);
      await pc.setRemoteDescription(answer);
    });
    signaling.on('iceCandidate', (candidate: RTCIceCandidateInit) => void pc.addIceCandidate(candidate));
    signaling.on('close', () => this.reconnect(`The connection to ${name}'s signaling channel dropped.`));
    signaling.on('error', () => { /* a close follows */ });
    pc.addEventListener('icecandidate', ({ candidate }) => {
      if (candidate && this.signaling === signaling) signaling.sendIceCandidate(candidate);
    });
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'connected') {
        this.attempt = 0;
        say(`Live: ${name}`, 'ok');
      } else if (pc.connectionState === 'failed') {
        this.reconnect(`The video connection to ${name} failed.`);
      }
    });
    pc.addEventListener('track', event => {
      const stream = event.streams[0] ?? new MediaStream([event.track]);
      if (this.video.srcObject !== stream) this.video.srcObject = stream;
      this.watchFirstFrame();
    });
    signaling.open();
  }

  /** Marks the first decoded frame (`performance.mark('live-view:first-frame')`), for the bench. */
  private watchFirstFrame(): void {
    if (this.firstFrame || !('requestVideoFrameCallback' in this.video)) return;
    this.firstFrame = true;
    this.video.requestVideoFrameCallback(() => performance.mark('live-view:first-frame'));
  }
}

// ---------------------------------------------------------------------------------------------
// Playback

/** Plays the recording with HLS: live (`start` undefined), or on demand from `start` (local time). */
async function playback(camera: Camera, start: string | undefined): Promise<void> {
  const video = $<HTMLVideoElement>('playback');
  const what = start === undefined ? 'live recording' : `recording from ${start}`;
  say(`Loading the ${what} of ${camera.name}…`);
  try {
    const { DataEndpoint } = await kvs(`${config.kinesisVideoUrl}/getDataEndpoint`, {
      StreamName: camera.streamName,
      APIName: 'GET_HLS_STREAMING_SESSION_URL',
    });
    const from = start === undefined ? undefined : new Date(start);
    const request = from === undefined
      ? { StreamName: camera.streamName, PlaybackMode: 'LIVE' }
      : {
        StreamName: camera.streamName,
        PlaybackMode: 'ON_DEMAND',
        HLSFragmentSelector: {
          FragmentSelectorType: 'PRODUCER_TIMESTAMP',
          TimestampRange: { StartTimestamp: from.getTime() / 1000, EndTimestamp: from.getTime() / 1000 + 3600 },
        },
      };
    const { HLSStreamingSessionURL } = await kvs(`${DataEndpoint}/getHLSStreamingSessionURL`, { ...request, ContainerFormat: 'FRAGMENTED_MP4', Expires: 3600 });
    video.hidden = false;
    video.src = HLSStreamingSessionURL;
    await video.play().catch(() => { /* autoplay may be refused: the controls remain */ });
    say(`Playing the ${what} of ${camera.name}.`, 'ok');
  } catch (e) {
    if (e instanceof AwsError && e.code === 'ResourceNotFoundException') {
      say(`There is no recording of ${camera.name} for that time.`, 'error');
      return;
    }
    say(describe(e, `The recording of ${camera.name} cannot be played`), 'error');
  }
}

main().catch(e => say(`The page could not start: ${(e as Error).message}`, 'error'));
