/**
 * Loopback stand-ins for everything the live-view page (src/live-view/) talks to, on one HTTPS
 * server of 127.0.0.1 with a self-signed certificate made by openssl at test time (the signaling
 * client accepts only `wss://`):
 *
 * - the user pool's managed login: `/oauth2/authorize` (a sign-in form, POSTed: no password in a
 *   URL), `/oauth2/token` (authorization code with PKCE S256, checked), ID tokens carrying the
 *   access-group claim;
 * - the identity pool (`AWSCognitoIdentityService.GetId`, `GetCredentialsForIdentity`): checks the
 *   token and the pool, and issues credentials whose session carries the principal tags of the
 *   synthesized `AWS::Cognito::IdentityPoolPrincipalTag` mapping;
 * - Kinesis Video: the control plane (DescribeSignalingChannel, DescribeMediaStorageConfiguration,
 *   GetSignalingChannelEndpoint, GetDataEndpoint), signaling (GetIceServerConfig, which names no
 *   STUN or TURN server, and the WebSocket with SigV4-presigned URLs verified), the storage session
 *   (JoinStorageSessionAsViewer), and HLS (GetHLSStreamingSessionURL and the playlists and media);
 * - S3, for the camera directory (GetObject, path-style).
 *
 * Every signed request's SigV4 signature is verified (headers, or the presigned query of the
 * WebSocket) with the secret of the credentials the identity pool stand-in issued, and every call
 * is authorized by simulating the synthesized IAM policies of the users' role (`PolicySimulator`),
 * with the resource's tags and the session's principal tags: a refusal is the policy's.
 */
import { execFileSync } from 'child_process';
import { createHash, createHmac, randomBytes, randomUUID } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import { SignatureV4 } from '@smithy/signature-v4';
import { WebSocket, WebSocketServer } from 'ws';
import { PolicySimulator, PrincipalRef } from '../util/policy-simulation';

/** A camera as the stand-ins know it: its channel and stream ARNs and tags (from the synthesized template). */
export interface StandInCamera {
  readonly name: string;
  readonly channelArn: string;
  readonly streamArn: string;
  /** `aws:ResourceTag/<key>` context of both resources. */
  readonly tags: Record<string, string>;
}

export interface StandInOptions {
  readonly region: string;
  readonly cameras: StandInCamera[];
  readonly sim: PolicySimulator;
  readonly role: PrincipalRef;
  readonly identityPoolId: string;
  /** The identity provider name (`cognito-idp.<region>.amazonaws.com/<pool id>`). */
  readonly provider: string;
  readonly clientId: string;
  /** Principal tag key → token claim (the synthesized IdentityPoolPrincipalTag mapping). */
  readonly principalTags: Record<string, string>;
  /** The directory bucket's ARN, as the simulator resolves it. */
  readonly directoryBucketArn: string;
  /** The directory's objects, by key. */
  readonly directory: Record<string, string>;
  /** User name → password and claims. */
  readonly users: Record<string, { password: string; claims: Record<string, string> }>;
  /** The only redirect URI the app client allows. */
  readonly callbackUrl: string;
}

interface Session {
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly principalTags: Record<string, string>;
  readonly user: string;
}

/** A message relayed by the signaling stand-in, decoded. */
export interface RelayedMessage {
  readonly action: string;
  readonly from: string;
  readonly to: string;
  readonly payload: any;
}

export class LiveViewStandIns {
  /** `https://127.0.0.1:<port>`. */
  public url = '';
  /** Every signed call: action, resource, who, and the IAM decision. */
  public readonly calls: Array<{ action: string; resource: string; user: string; allowed: boolean; at: number }> = [];
  /** Every signaling message relayed. */
  public readonly relayed: RelayedMessage[] = [];
  /** WebSocket connections accepted, by role. */
  public readonly connections = { MASTER: 0, VIEWER: 0 };
  /** Requests whose signature did not verify. */
  public readonly badSignatures: string[] = [];
  /** Every GetHLSStreamingSessionURL request's input. */
  public readonly hlsRequests: any[] = [];
  /** The recorded clip served by HLS (fragmented MP4). */
  public clip?: Buffer;

  private server?: https.Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly codes = new Map<string, { user: string; challenge: string; redirectUri: string }>();
  private readonly sessions = new Map<string, Session>();
  private readonly identities = new Map<string, string>();
  private readonly masters = new Map<string, WebSocket>();
  private readonly viewers = new Map<string, { socket: WebSocket; channelArn: string }>();
  private readonly tokenKey = randomBytes(32);
  private readonly decisions = new Map<string, boolean>();
  private readonly tls: { key: Buffer; cert: Buffer };
  /** The master's own credentials (the fake camera, a device: not a user of the identity pool). */
  public readonly masterCredentials = { accessKeyId: 'AKIAMASTERSTANDIN000', secretAccessKey: randomBytes(20).toString('hex') };

  constructor(private readonly options: StandInOptions) {
    this.tls = selfSignedCertificate();
  }

  public async start(): Promise<void> {
    this.server = https.createServer({ key: this.tls.key, cert: this.tls.cert }, (req, res) => {
      void this.handle(req, res).catch(e => {
        if (!res.headersSent) this.error(res, 500, 'InternalFailure', String(e));
      });
    });
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket as any, head));
    await new Promise<void>(resolve => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `https://127.0.0.1:${(this.server.address() as any).port}`;
  }

  public async stop(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>(resolve => this.server?.close(() => resolve()) ?? resolve());
    this.server?.closeAllConnections?.();
  }

  /** Drops every viewer's signaling connection, as a network failure would (no close frame). */
  public dropViewers(): number {
    const n = this.viewers.size;
    for (const { socket } of this.viewers.values()) socket.terminate();
    return n;
  }

  /** Every IP address in the candidates and SDPs relayed (ICE candidates, `c=` lines). */
  public relayedAddresses(): string[] {
    const addresses = new Set<string>();
    for (const m of this.relayed) {
      const texts = [m.payload?.candidate, m.payload?.sdp].filter((t): t is string => typeof t === 'string');
      for (const text of texts) {
        for (const match of text.matchAll(/candidate:\S+ \d+ \S+ \d+ (\S+) \d+/g)) addresses.add(match[1]);
        for (const match of text.matchAll(/^c=IN IP[46] (\S+)/gm)) addresses.add(match[1]);
      }
    }
    return [...addresses];
  }

  // -------------------------------------------------------------------------------------------

  private cors(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.setHeader('access-control-allow-origin', req.headers.origin ?? '*');
    res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
    res.setHeader('access-control-allow-headers', req.headers['access-control-request-headers'] ?? '*');
    res.setHeader('access-control-expose-headers', 'x-amzn-errortype, x-amzn-requestid');
  }

  private json(res: http.ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
    res.writeHead(status, { 'content-type': contentType });
    res.end(JSON.stringify(body));
  }

  private error(res: http.ServerResponse, status: number, code: string, message: string): void {
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': code });
    res.end(JSON.stringify({ __type: code, message }));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.cors(req, res);
    const url = new URL(req.url!, this.url);
    const body = await new Promise<string>(resolve => {
      let data = '';
      req.on('data', c => { data += c; });
      req.on('end', () => resolve(data));
    });
    if (req.method === 'OPTIONS') {
      res.writeHead(204);
      res.end();
      return;
    }
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string' && target.startsWith('AWSCognitoIdentityService.')) {
      return this.cognitoIdentity(target.split('.')[1], JSON.parse(body), res);
    }
    switch (url.pathname) {
      case '/oauth2/authorize': return this.authorize(url, res);
      case '/login': return this.login(new URLSearchParams(body), res);
      case '/oauth2/token': return this.token(new URLSearchParams(body), res);
    }
    if (url.pathname.startsWith('/hls/')) return this.hlsMedia(url, res);
    if (url.pathname === '/favicon.ico') return this.error(res, 404, 'NotFound', 'no icon');

    // Everything else is signed.
    const session = await this.verify(req, url, body);
    if (session === undefined) return this.error(res, 403, 'InvalidSignatureException', 'The request signature does not match.');
    if (url.pathname.startsWith('/directory/')) return this.directory(url, session, res);
    const input = body === '' ? {} : JSON.parse(body);
    switch (url.pathname) {
      case '/describeSignalingChannel': {
        const camera = this.options.cameras.find(c => c.name === input.ChannelName);
        if (!camera) return this.error(res, 404, 'ResourceNotFoundException', 'The requested channel is not found.');
        if (!(await this.allowed(session, 'kinesisvideo:DescribeSignalingChannel', camera.channelArn, camera.tags, res))) return;
        return this.json(res, 200, { ChannelInfo: { ChannelName: camera.name, ChannelARN: camera.channelArn, ChannelType: 'SINGLE_MASTER', ChannelStatus: 'ACTIVE' } });
      }
      case '/describeMediaStorageConfiguration': {
        const camera = this.byChannel(input.ChannelARN);
        if (!camera) return this.error(res, 404, 'ResourceNotFoundException', 'The requested channel is not found.');
        if (!(await this.allowed(session, 'kinesisvideo:DescribeMediaStorageConfiguration', camera.channelArn, camera.tags, res))) return;
        return this.json(res, 200, { MediaStorageConfiguration: { Status: 'ENABLED', StreamARN: camera.streamArn } });
      }
      case '/getSignalingChannelEndpoint': {
        const camera = this.byChannel(input.ChannelARN);
        if (!camera) return this.error(res, 404, 'ResourceNotFoundException', 'The requested channel is not found.');
        if (!(await this.allowed(session, 'kinesisvideo:GetSignalingChannelEndpoint', camera.channelArn, camera.tags, res))) return;
        const wss = this.url.replace('https:', 'wss:');
        const endpoints: Record<string, string> = { WSS: wss, HTTPS: this.url, WEBRTC: this.url };
        const protocols: string[] = input.SingleMasterChannelEndpointConfiguration.Protocols;
        return this.json(res, 200, { ResourceEndpointList: protocols.map(p => ({ Protocol: p, ResourceEndpoint: endpoints[p] })) });
      }
      case '/v1/get-ice-server-config': {
        const camera = this.byChannel(input.ChannelARN);
        if (!camera) return this.error(res, 404, 'ResourceNotFoundException', 'The requested channel is not found.');
        if (!(await this.allowed(session, 'kinesisvideo:GetIceServerConfig', camera.channelArn, camera.tags, res))) return;
        // loopback only: no STUN or TURN server at all
        return this.json(res, 200, { IceServerList: [] });
      }
      case '/joinStorageSessionAsViewer': {
        const camera = this.byChannel(input.channelArn);
        if (!camera) return this.error(res, 404, 'ResourceNotFoundException', 'The requested channel is not found.');
        if (!(await this.allowed(session, 'kinesisvideo:JoinStorageSessionAsViewer', camera.channelArn, camera.tags, res))) return;
        res.writeHead(200);
        res.end();
        return;
      }
      case '/getDataEndpoint': {
        const camera = this.options.cameras.find(c => c.name === input.StreamName);
        if (!camera) return this.error(res, 404, 'ResourceNotFoundException', 'The requested stream is not found.');
        if (!(await this.allowed(session, 'kinesisvideo:GetDataEndpoint', camera.streamArn, camera.tags, res))) return;
        return this.json(res, 200, { DataEndpoint: this.url });
      }
      case '/getHLSStreamingSessionURL': {
        const camera = this.options.cameras.find(c => c.name === input.StreamName);
        if (!camera) return this.error(res, 404, 'ResourceNotFoundException', 'The requested stream is not found.');
        if (!(await this.allowed(session, 'kinesisvideo:GetHLSStreamingSessionURL', camera.streamArn, camera.tags, res))) return;
        this.hlsRequests.push(input);
        if (!this.clip) return this.error(res, 404, 'ResourceNotFoundException', 'No fragments found in the stream for the streaming request.');
        return this.json(res, 200, { HLSStreamingSessionURL: `${this.url}/hls/${randomUUID()}/getHLSMasterPlaylist.m3u8` });
      }
    }
    return this.error(res, 404, 'UnknownOperationException', url.pathname);
  }

  private byChannel(arn: string): StandInCamera | undefined {
    return this.options.cameras.find(c => c.channelArn === arn);
  }

  /** The IAM decision: the synthesized policies of the users' role, for this session. */
  private async allowed(
    session: Session, action: string, resource: string, tags: Record<string, string>, res?: http.ServerResponse,
  ): Promise<boolean> {
    const context = { ...tags, ...Object.fromEntries(Object.entries(session.principalTags).map(([k, v]) => [`aws:PrincipalTag/${k}`, v])) };
    // the policies do not change: the same request always gets the same decision
    const key = JSON.stringify([action, resource, context]);
    let allowed = this.decisions.get(key);
    if (allowed === undefined) {
      allowed = (await this.options.sim.evaluate({ principal: this.options.role, action, resource, context }, { strictContext: false })).allowed;
      this.decisions.set(key, allowed);
    }
    const decision = { allowed };
    this.calls.push({ action, resource, user: session.user, allowed: decision.allowed, at: Date.now() });
    if (!decision.allowed && res) {
      this.error(res, action.startsWith('s3:') ? 403 : 401, 'AccessDeniedException',
        `User: ${session.user} is not authorized to perform: ${action} on resource: ${resource}`);
    }
    return decision.allowed;
  }

  // ------------------------------------------------------------------------------- signatures

  /** Verifies a header-signed request with the AWS SDK's signer and the session's secret. */
  private async verify(req: http.IncomingMessage, url: URL, body: string): Promise<Session | undefined> {
    const auth = String(req.headers.authorization ?? '');
    const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
    const fail = (why: string) => {
      this.badSignatures.push(`${url.pathname}: ${why}`);
      return undefined;
    };
    if (!m) return fail('no SigV4 authorization');
    const [, accessKeyId, , region, service, signedHeaders] = m;
    const session = this.sessions.get(accessKeyId);
    if (!session) return fail('unknown access key');
    if (region !== this.options.region) return fail(`region ${region}`);
    if (req.headers['x-amz-security-token'] !== session.sessionToken) return fail('session token');
    const headers: Record<string, string> = {};
    for (const h of signedHeaders.split(';')) headers[h] = String(req.headers[h] ?? '');
    const query: Record<string, string> = {};
    url.searchParams.forEach((v, k) => { query[k] = v; });
    const date = String(req.headers['x-amz-date']);
    const signingDate = new Date(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`);
    if (Math.abs(Date.now() - signingDate.getTime()) > 5 * 60_000) return fail('request time too skewed');
    const credentials = { accessKeyId, secretAccessKey: session.secretAccessKey, sessionToken: session.sessionToken };
    // S3 signs the path as it is; the other services escape it once more
    const signer = new SignatureV4({ service, region, credentials, sha256: NodeSha256, uriEscapePath: service !== 's3' });
    const signed = await signer.sign({
      method: req.method!, protocol: 'https:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query, headers, body: body === '' ? undefined : body,
    }, { signingDate });
    if (signed.headers.authorization !== auth) return fail('signature mismatch');
    return session;
  }

  /**
   * Verifies a presigned WebSocket URL (SigV4 query string, session token signed, as the
   * Kinesis Video signaling service requires), independently of the SDK that made it.
   */
  private verifyPresigned(url: URL, host: string): Session | 'master' | undefined {
    const q = url.searchParams;
    const [accessKeyId, date, region, service] = (q.get('X-Amz-Credential') ?? '').split('/');
    const secret = accessKeyId === this.masterCredentials.accessKeyId
      ? this.masterCredentials.secretAccessKey
      : this.sessions.get(accessKeyId)?.secretAccessKey;
    if (secret === undefined || region !== this.options.region || service !== 'kinesisvideo') return undefined;
    const params = [...q.entries()].filter(([k]) => k !== 'X-Amz-Signature').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const canonicalQuery = params.map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`).join('&');
    const canonicalRequest = ['GET', url.pathname, canonicalQuery, `host:${host}\n`, 'host', sha256Hex('')].join('\n');
    const amzDate = q.get('X-Amz-Date')!;
    const scope = `${date}/${region}/${service}/aws4_request`;
    const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
    const key = [date, region, service, 'aws4_request'].reduce<Buffer | string>((k, part) => hmac(k, part), `AWS4${secret}`);
    const expected = hmac(key, stringToSign).toString('hex');
    if (expected !== q.get('X-Amz-Signature')) return undefined;
    if (accessKeyId === this.masterCredentials.accessKeyId) return 'master';
    const session = this.sessions.get(accessKeyId)!;
    return q.get('X-Amz-Security-Token') === session.sessionToken ? session : undefined;
  }

  // -------------------------------------------------------------------------------- signaling

  private upgrade(req: http.IncomingMessage, socket: import('net').Socket, head: Buffer): void {
    const url = new URL(req.url!, this.url);
    const who = this.verifyPresigned(url, String(req.headers.host));
    const channelArn = url.searchParams.get('X-Amz-ChannelARN') ?? '';
    const camera = this.byChannel(channelArn);
    const refuse = (status: number, text: string) => {
      this.badSignatures.push(`websocket: ${text}`);
      socket.end(`HTTP/1.1 ${status} ${text}\r\n\r\n`);
    };
    if (who === undefined) return refuse(403, 'Forbidden');
    if (!camera) return refuse(404, 'Not Found');
    const accept = (role: 'MASTER' | 'VIEWER', clientId: string) => this.wss.handleUpgrade(req, socket, head, ws => this.connected(ws, role, camera, clientId));
    if (who === 'master') {
      accept('MASTER', 'MASTER');
      return;
    }
    const clientId = url.searchParams.get('X-Amz-ClientId') ?? '';
    void this.allowed(who, 'kinesisvideo:ConnectAsViewer', camera.channelArn, camera.tags).then(ok => (ok ? accept('VIEWER', clientId) : refuse(403, 'Forbidden')));
  }

  private connected(ws: WebSocket, role: 'MASTER' | 'VIEWER', camera: StandInCamera, clientId: string): void {
    this.connections[role]++;
    if (role === 'MASTER') {
      this.masters.set(camera.channelArn, ws);
    } else {
      this.viewers.set(clientId, { socket: ws, channelArn: camera.channelArn });
    }
    ws.on('close', () => {
      if (role === 'MASTER' && this.masters.get(camera.channelArn) === ws) this.masters.delete(camera.channelArn);
      if (role === 'VIEWER' && this.viewers.get(clientId)?.socket === ws) this.viewers.delete(clientId);
    });
    ws.on('message', data => {
      const message = JSON.parse(String(data));
      const payload = JSON.parse(Buffer.from(message.messagePayload, 'base64').toString());
      if (role === 'VIEWER') {
        this.relayed.push({ action: message.action, from: clientId, to: 'MASTER', payload });
        // as the service does: a message to a master that is not connected is dropped
        const relay = { messageType: message.action, messagePayload: message.messagePayload, senderClientId: clientId };
        this.masters.get(camera.channelArn)?.send(JSON.stringify(relay));
      } else {
        this.relayed.push({ action: message.action, from: 'MASTER', to: message.recipientClientId, payload });
        const relay = { messageType: message.action, messagePayload: message.messagePayload };
        this.viewers.get(message.recipientClientId)?.socket.send(JSON.stringify(relay));
      }
    });
  }

  // ---------------------------------------------------------------------------------- Cognito

  private authorize(url: URL, res: http.ServerResponse): void {
    const q = url.searchParams;
    if (q.get('client_id') !== this.options.clientId || q.get('redirect_uri') !== this.options.callbackUrl
      || q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('invalid_request');
      return;
    }
    const hidden = ['redirect_uri', 'state', 'code_challenge'].map(k => `<input type="hidden" name="${k}" value="${escapeHtml(q.get(k) ?? '')}">`).join('');
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><title>Sign in</title><form method="post" action="/login">${hidden}
      <label>User name <input name="username" autocomplete="username"></label>
      <label>Password <input name="password" type="password" autocomplete="current-password"></label>
      <button type="submit">Sign in</button></form>`);
  }

  private login(form: URLSearchParams, res: http.ServerResponse): void {
    const user = this.options.users[form.get('username') ?? ''];
    if (!user || user.password !== form.get('password')) {
      res.writeHead(401, { 'content-type': 'text/html' });
      res.end('<p>Incorrect user name or password.</p>');
      return;
    }
    const code = randomUUID();
    this.codes.set(code, { user: form.get('username')!, challenge: form.get('code_challenge')!, redirectUri: form.get('redirect_uri')! });
    const to = new URL(form.get('redirect_uri')!);
    to.searchParams.set('code', code);
    to.searchParams.set('state', form.get('state') ?? '');
    res.writeHead(302, { location: to.toString() });
    res.end();
  }

  private token(form: URLSearchParams, res: http.ServerResponse): void {
    const grant = this.codes.get(form.get('code') ?? '');
    this.codes.delete(form.get('code') ?? '');
    const challenge = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
    if (!grant || form.get('grant_type') !== 'authorization_code' || form.get('client_id') !== this.options.clientId
      || form.get('redirect_uri') !== grant.redirectUri || challenge !== grant.challenge) {
      return this.json(res, 400, { error: 'invalid_grant' });
    }
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      'sub': randomUUID(),
      'aud': this.options.clientId,
      'iss': `https://${this.options.provider}`,
      'token_use': 'id',
      'cognito:username': grant.user,
      'iat': now,
      'exp': now + 3600,
      ...this.options.users[grant.user].claims,
    };
    this.json(res, 200, { id_token: this.jwt(claims), access_token: this.jwt({ ...claims, token_use: 'access' }), token_type: 'Bearer', expires_in: 3600 });
  }

  private jwt(claims: object): string {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
    return `${unsigned}.${createHmac('sha256', this.tokenKey).update(unsigned).digest('base64url')}`;
  }

  private claimsOf(jwt: string): Record<string, any> | undefined {
    const [h, p, s] = jwt.split('.');
    if (createHmac('sha256', this.tokenKey).update(`${h}.${p}`).digest('base64url') !== s) return undefined;
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    return claims.exp > Date.now() / 1000 && claims.token_use === 'id' && claims.aud === this.options.clientId ? claims : undefined;
  }

  private cognitoIdentity(action: string, input: any, res: http.ServerResponse): void {
    const token = input.Logins?.[this.options.provider];
    const claims = typeof token === 'string' ? this.claimsOf(token) : undefined;
    if (!claims) return this.error(res, 400, 'NotAuthorizedException', 'Invalid login token.');
    if (action === 'GetId') {
      if (input.IdentityPoolId !== this.options.identityPoolId) return this.error(res, 400, 'ResourceNotFoundException', 'IdentityPool not found');
      const id = `${this.options.region}:${randomUUID()}`;
      this.identities.set(id, claims.sub);
      return this.json(res, 200, { IdentityId: id }, 'application/x-amz-json-1.1');
    }
    if (action === 'GetCredentialsForIdentity') {
      if (this.identities.get(input.IdentityId) !== claims.sub) return this.error(res, 400, 'NotAuthorizedException', 'Logins do not match the identity.');
      const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
      const session: Session = {
        secretAccessKey: randomBytes(20).toString('base64'),
        sessionToken: randomBytes(48).toString('base64'),
        user: claims['cognito:username'],
        // the identity pool's principal tag mapping: tag key ← token claim; a missing claim, no tag
        principalTags: Object.fromEntries(Object.entries(this.options.principalTags)
          .filter(([, claim]) => typeof claims[claim] === 'string').map(([tag, claim]) => [tag, claims[claim]])),
      };
      this.sessions.set(accessKeyId, session);
      return this.json(res, 200, {
        IdentityId: input.IdentityId,
        Credentials: {
          AccessKeyId: accessKeyId,
          SecretKey: session.secretAccessKey,
          SessionToken: session.sessionToken,
          Expiration: Math.floor(Date.now() / 1000) + 3600,
        },
      }, 'application/x-amz-json-1.1');
    }
    this.error(res, 400, 'UnknownOperationException', action);
  }

  // --------------------------------------------------------------------------------- S3 and HLS

  private async directory(url: URL, session: Session, res: http.ServerResponse): Promise<void> {
    const key = decodeURIComponent(url.pathname.slice('/directory/'.length));
    const arn = `${this.options.directoryBucketArn}/${key}`;
    if (!(await this.allowed(session, 's3:GetObject', arn, {}))) {
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end('<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
      return;
    }
    const object = this.options.directory[key];
    if (object === undefined) {
      // s3:ListBucket on the key (granted with the s3:prefix condition) turns a missing key into 404
      res.writeHead(404, { 'content-type': 'application/xml' });
      res.end('<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(object);
  }

  private hlsMedia(url: URL, res: http.ServerResponse): void {
    const file = url.pathname.split('/').pop();
    const { init, media, seconds } = splitFragmentedMp4(this.clip!);
    const send = (type: string, body: string | Buffer) => {
      res.writeHead(200, { 'content-type': type });
      res.end(body);
    };
    if (file === 'getHLSMasterPlaylist.m3u8') {
      return send('application/vnd.apple.mpegurl', '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-STREAM-INF:BANDWIDTH=2000000,CODECS="avc1.42e01f"\ngetHLSMediaPlaylist.m3u8\n');
    }
    if (file === 'getHLSMediaPlaylist.m3u8') {
      return send('application/vnd.apple.mpegurl', [
        '#EXTM3U', '#EXT-X-VERSION:7', `#EXT-X-TARGETDURATION:${Math.ceil(seconds)}`, '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:VOD',
        '#EXT-X-MAP:URI="getMP4InitFragment.mp4"', `#EXTINF:${seconds.toFixed(3)},`, 'getMP4MediaFragment.mp4', '#EXT-X-ENDLIST', '',
      ].join('\n'));
    }
    if (file === 'getMP4InitFragment.mp4') return send('video/mp4', init);
    if (file === 'getMP4MediaFragment.mp4') return send('video/mp4', media);
    res.writeHead(404);
    res.end();
  }
}

/** A fragmented MP4 (MediaRecorder's): the init part (up to `moov`) and the fragments. */
function splitFragmentedMp4(clip: Buffer): { init: Buffer; media: Buffer; seconds: number } {
  let offset = 0;
  let initEnd = 0;
  while (offset + 8 <= clip.length) {
    const size = clip.readUInt32BE(offset);
    const type = clip.toString('latin1', offset + 4, offset + 8);
    if (type === 'moov') initEnd = offset + size;
    if (size < 8) break;
    offset += size;
  }
  return { init: clip.subarray(0, initEnd), media: clip.subarray(initEnd), seconds: 3 };
}

/** A self-signed certificate for 127.0.0.1, made by openssl now. */
function selfSignedCertificate(): { key: Buffer; cert: Buffer } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-view-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
    return { key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

class NodeSha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(secret));
  }
  public update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBuffer(data));
  }
  public async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  public reset(): void { /* single use */ }
}

function toBuffer(data: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === 'string') return Buffer.from(data);
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function hmac(key: Buffer | string, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest();
}

function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);
}
