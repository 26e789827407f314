/// <reference lib="dom" />
/**
 * The live-view end-to-end harness (test/live-view-app.e2e.test.ts and the bench): the synthesized
 * LiveViewApp stack simulated by IAM, the loopback stand-ins (./live-view-stand-ins), the shipped
 * page (assets/live-view) served from http://127.0.0.1 with a configuration pointing at them, the
 * fake-camera master page, and the system's Chromium driven by playwright-core.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import * as esbuild from 'esbuild';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { LiveViewStandIns, StandInCamera } from './live-view-stand-ins';
import { DIRECTORY_BUCKET_ARN, IDENTITY_POOL_ID, simulatedLiveViewApp } from '../util/live-view-app';
import { REGION } from '../util/policy-simulation';

const ROOT = path.join(__dirname, '..', '..');
const PAGE = path.join(ROOT, 'assets', 'live-view');
const GROUP_TAG = 'cdk-kinesis-video-webrtc:access-group';

/** The flags of the machine notes, plus what WebRTC on loopback needs. */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  // host candidates on loopback, as addresses (not mDNS names)
  '--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--ignore-certificate-errors', '--autoplay-policy=no-user-gesture-required',
];

export const USERS = {
  alice: { password: 'correct horse battery staple', claims: { 'custom:accessGroup': 'smith' } },
  bob: { password: 'tr0ub4dor&3', claims: { 'custom:accessGroup': 'jones' } },
  carol: { password: 'no group at all', claims: {} },
  dave: { password: 'a group without cameras', claims: { 'custom:accessGroup': 'garage' } },
};

/** Fails unless the process runs in a network namespace whose only interface is loopback. */
export function requireLoopbackOnly(): void {
  const interfaces = Object.keys(os.networkInterfaces());
  const addresses = Object.values(os.networkInterfaces()).flat().map(a => a!.address);
  if (interfaces.join() !== 'lo' || addresses.some(a => a !== '127.0.0.1')) {
    throw new Error(`the live-view end-to-end test runs in a network namespace with only lo up (127.0.0.1 only); found interfaces ${interfaces.join(', ')} `
      + `with ${addresses.join(', ')}. Run it with \`npx projen test:e2e\` (unshare -n, as root).`);
  }
}

export class LiveViewHarness {
  public readonly standIns: LiveViewStandIns;
  public readonly cameras: StandInCamera[];
  public readonly directory: Record<string, string[]>;
  public pageUrl = '';
  public browser?: Browser;
  private server?: http.Server;
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-view-'));
  /** Every ICE candidate any page gathered, as `page: candidate`. */
  public readonly candidates: string[] = [];
  /** Every Content-Security-Policy violation any page reported. */
  public readonly cspViolations: string[] = [];
  private readonly synthesizedCsp: unknown;

  constructor(options: { offlineTimeoutSeconds?: number } = {}) {
    const { template, sim, role, cameras, app } = simulatedLiveViewApp();
    this.directory = app.directory;
    this.cameras = cameras;
    const policy = Object.values(template.Resources as Record<string, any>).find(r => r.Type === 'AWS::CloudFront::ResponseHeadersPolicy')!;
    this.synthesizedCsp = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy;
    // the identity pool's principal tag mapping, as synthesized
    const mapping = Object.values(template.Resources as Record<string, any>).find(r => r.Type === 'AWS::Cognito::IdentityPoolPrincipalTag')!;
    const principalTags: Record<string, string> = mapping.Properties.PrincipalTags;
    if (JSON.stringify(principalTags) !== JSON.stringify({ [GROUP_TAG]: 'custom:accessGroup' })) {
      throw new Error(`unexpected principal tag mapping ${JSON.stringify(principalTags)}`);
    }

    this.standIns = new LiveViewStandIns({
      region: REGION,
      cameras: this.cameras,
      sim,
      role,
      identityPoolId: IDENTITY_POOL_ID,
      provider: `cognito-idp.${REGION}.amazonaws.com/${REGION}_StandIn`,
      clientId: 'standinclient',
      principalTags,
      directoryBucketArn: DIRECTORY_BUCKET_ARN,
      directory: Object.fromEntries(Object.entries(app.directory).map(([group, names]) => [`cameras/${group}.json`,
        JSON.stringify({ cameras: names.map(name => ({ name, channelName: name, streamName: name })) })])),
      users: USERS,
      callbackUrl: '', // set in start(), once the page's port is known
    });
    (this as any).offlineTimeoutSeconds = options.offlineTimeoutSeconds ?? 3;
  }

  public async start(): Promise<void> {
    await this.standIns.start();
    esbuild.buildSync({
      entryPoints: [path.join(__dirname, 'live-view-master.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2020',
      outfile: path.join(this.dir, 'master.js'),
      logLevel: 'silent',
      alias: { ws: path.join(ROOT, 'src', 'live-view', 'shims', 'ws.js') },
      define: { 'process.env.PACKAGE_VERSION': '"test"' },
    });
    this.server = http.createServer((req, res) => this.serve(req, res));
    await new Promise<void>(resolve => this.server!.listen(0, '127.0.0.1', resolve));
    this.pageUrl = `http://127.0.0.1:${(this.server.address() as any).port}/`;
    (this.standIns as any).options.callbackUrl = this.pageUrl;
    this.browser = await chromium.launch({
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      // playwright starts every launch with a fresh temporary --user-data-dir of its own
      args: CHROMIUM_ARGS.filter(a => a !== '--headless'),
      headless: true,
    });
  }

  public async stop(): Promise<void> {
    await this.browser?.close();
    await new Promise<void>(resolve => this.server?.close(() => resolve()) ?? resolve());
    await this.standIns.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** A fresh browser context (a person), recording every ICE candidate its pages gather. */
  public async context(): Promise<BrowserContext> {
    const context = await this.browser!.newContext({ ignoreHTTPSErrors: true, viewport: { width: 390, height: 844 } });
    await context.exposeBinding('__candidate', ({ page }, candidate: string) => { this.candidates.push(`${page.url()}: ${candidate}`); });
    await context.exposeBinding('__cspViolation', ({ page }, violation: string) => { this.cspViolations.push(`${page.url()}: ${violation}`); });
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', e => void (window as any).__cspViolation(`${e.violatedDirective} ${e.blockedURI}`));
      const Original = window.RTCPeerConnection;
      window.RTCPeerConnection = function (this: RTCPeerConnection, ...args: ConstructorParameters<typeof RTCPeerConnection>) {
        const pc = new Original(...args);
        pc.addEventListener('icecandidate', e => { if (e.candidate?.candidate) void (window as any).__candidate(e.candidate.candidate); });
        return pc;
      } as any;
      window.RTCPeerConnection.prototype = Original.prototype;
    });
    return context;
  }

  /** Opens the fake-camera master of `camera`, connected and ready. */
  public async master(context: BrowserContext, camera: string): Promise<Page> {
    const page = await context.newPage();
    const c = this.cameras.find(x => x.name === camera)!;
    const { accessKeyId, secretAccessKey } = this.standIns.masterCredentials;
    const hash = new URLSearchParams({ endpoint: this.standIns.url.replace('https:', 'wss:'), channelArn: c.channelArn, region: REGION, accessKeyId, secretAccessKey });
    await page.goto(`${this.pageUrl}master.html#${hash}`);
    await page.waitForFunction(() => (window as { masterOpen?: boolean }).masterOpen === true, undefined, { timeout: 15_000 });
    return page;
  }

  /** Signs `user` in through the page and the managed login's form; resolves when the page shows the cameras or a message. */
  public async signIn(page: Page, user: keyof typeof USERS, hash = ''): Promise<void> {
    await page.goto(`${this.pageUrl}${hash}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(url => url.toString().startsWith(`${this.standIns.url}/oauth2/authorize`), { timeout: 15_000 });
    await page.getByLabel('User name').fill(user);
    await page.getByLabel('Password').fill(USERS[user].password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(url => url.toString().startsWith(this.pageUrl) && !url.search.includes('code='), { timeout: 15_000 });
    // signed in once the tokens are exchanged
    await page.getByRole('button', { name: 'Sign out' }).waitFor({ state: 'visible', timeout: 15_000 });
  }

  private loopbackCsp(): string {
    return loopbackCsp(this.synthesizedCsp, this.standIns.url);
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url!, 'http://127.0.0.1');
    const file = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
    const types: Record<string, string> = { html: 'text/html', js: 'text/javascript', css: 'text/css', json: 'application/json' };
    const type = types[file.split('.').pop()!] ?? 'application/octet-stream';
    let body: string | Buffer | undefined;
    if (file === 'config.json') {
      body = JSON.stringify({
        region: REGION,
        userPoolClientId: 'standinclient',
        identityPoolId: IDENTITY_POOL_ID,
        identityProvider: `cognito-idp.${REGION}.amazonaws.com/${REGION}_StandIn`,
        signInUrl: this.standIns.url,
        accessGroupClaim: 'custom:accessGroup',
        directoryUrl: `${this.standIns.url}/directory`,
        kinesisVideoUrl: this.standIns.url,
        cognitoIdentityUrl: this.standIns.url,
        // loopback only: no STUN server (the app's configuration names Kinesis Video's)
        stunUrls: [],
        offlineTimeoutSeconds: (this as any).offlineTimeoutSeconds,
      });
    } else if (file === 'master.html') {
      body = '<!doctype html><title>Fake camera</title><script type="module" src="master.js"></script>';
    } else if (file === 'master.js') {
      body = fs.readFileSync(path.join(this.dir, 'master.js'));
    } else if (/^[\w.-]+$/.test(file) && fs.existsSync(path.join(PAGE, file))) {
      body = fs.readFileSync(path.join(PAGE, file));
    }
    if (body === undefined) {
      res.writeHead(404);
      res.end();
      return;
    }
    // the page's files with the app's Content-Security-Policy (the synthesized one, for these origins)
    const csp = file === 'master.html' || file === 'master.js' ? {} : { 'content-security-policy': this.loopbackCsp() };
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store', ...csp });
    res.end(body);
  }
}

/**
 * The synthesized Content-Security-Policy with its AWS origins (Kinesis Video, Cognito, the managed
 * login, the directory bucket) replaced by the stand-ins' origin: same directives, same sources
 * otherwise.
 */
function loopbackCsp(synthesized: unknown, standIns: string): string {
  const join = (synthesized as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  const text = join[1].map(part => (typeof part === 'string' ? part : JSON.stringify(part) === '{"Ref":"AWS::URLSuffix"}' ? 'amazonaws.com' : '@token@'))
    .join(join[0]);
  const host = standIns.replace(/^https:\/\//, '');
  return text.split(';').map(directive => directive.trim().split(/\s+/).map(source => {
    const m = /^(https|wss):\/\/(.*)$/.exec(source);
    if (!m || !/amazonaws\.com|amazoncognito\.com|@token@/.test(m[2])) return source;
    return `${m[1]}://${host}`;
  }).join(' ')).join('; ');
}

/** Frames the page's live video has decoded. */
export async function decodedFrames(page: Page, id = 'live'): Promise<number> {
  return page.evaluate(i => (document.getElementById(i) as HTMLVideoElement).getVideoPlaybackQuality().totalVideoFrames, id);
}
