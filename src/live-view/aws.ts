/**
 * The page's calls to AWS: the user pool's OAuth 2.0 token endpoint (authorization code with PKCE),
 * the identity pool (GetId, GetCredentialsForIdentity: unsigned JSON calls), and SigV4-signed
 * JSON and GET requests (Kinesis Video, the camera directory in S3) with the AWS SDK's signer.
 */
import { SignatureV4 } from '@smithy/signature-v4';

/** Temporary credentials of the identity pool's authenticated role. */
export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** Epoch milliseconds. */
  readonly expiration: number;
}

/** An AWS error answer, by its error code (`AccessDeniedException`, `ResourceNotFoundException`, ...). */
export class AwsError extends Error {
  constructor(public readonly code: string, public readonly status: number, message: string) {
    super(`${code}: ${message}`);
  }
  /** Whether IAM refused the call. */
  public get refused(): boolean {
    return this.status === 403 || /AccessDenied|NotAuthorized|Forbidden/i.test(this.code);
  }
}

/** SHA-256 and HMAC-SHA-256 with the browser's Web Crypto, in the shape the SDK's signer wants. */
class WebCryptoSha256 {
  private readonly chunks: Uint8Array[] = [];
  constructor(private readonly secret?: string | ArrayBuffer | ArrayBufferView) {}
  public update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.chunks.push(toBytes(data));
  }
  public async digest(): Promise<Uint8Array> {
    const data = concat(this.chunks);
    if (this.secret === undefined) {
      return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
    }
    const key = await crypto.subtle.importKey('raw', toBytes(this.secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    return new Uint8Array(await crypto.subtle.sign('HMAC', key, data));
  }
  public reset(): void {
    this.chunks.length = 0;
  }
}

function toBytes(data: string | ArrayBuffer | ArrayBufferView): Uint8Array<ArrayBuffer> {
  if (typeof data === 'string') return new TextEncoder().encode(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer);
}

function concat(chunks: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/** A SigV4-signed request; resolves to the parsed JSON answer (or text), throws `AwsError`. */
export async function signedRequest(options: {
  readonly url: string;
  readonly method?: 'GET' | 'POST';
  readonly body?: unknown;
  readonly service: string;
  readonly region: string;
  readonly credentials: Credentials;
}): Promise<any> {
  const url = new URL(options.url);
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const { accessKeyId, secretAccessKey, sessionToken } = options.credentials;
  const signer = new SignatureV4({
    service: options.service,
    region: options.region,
    credentials: { accessKeyId, secretAccessKey, sessionToken },
    sha256: WebCryptoSha256,
    // S3 signs the path as it is; the other services escape it once more
    uriEscapePath: options.service !== 's3',
  });
  const query: Record<string, string> = {};
  url.searchParams.forEach((v, k) => { query[k] = v; });
  const signed = await signer.sign({
    method: options.method ?? 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    query,
    headers: {
      host: url.host,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body,
  });
  const headers = { ...signed.headers };
  delete headers.host;
  const response = await fetch(url.toString(), { method: signed.method, headers, body });
  return answer(response);
}

async function answer(response: Response): Promise<any> {
  const text = await response.text();
  let json: any;
  try {
    json = text === '' ? {} : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const code = (response.headers.get('x-amzn-errortype') ?? json?.__type ?? xmlCode(text) ?? `HTTP${response.status}`).split(':')[0].split('#').pop()!;
    throw new AwsError(code, response.status, json?.message ?? json?.Message ?? response.statusText);
  }
  return json ?? text;
}

function xmlCode(text: string): string | undefined {
  return /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
}

/** An unsigned call of the Cognito identity pool's JSON API. */
async function cognitoIdentity(endpoint: string, action: string, body: unknown): Promise<any> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityService.${action}` },
    body: JSON.stringify(body),
  });
  return answer(response);
}

/** The identity pool's credentials for a user pool ID token (the enhanced flow). */
export async function identityCredentials(options: {
  readonly endpoint: string;
  readonly identityPoolId: string;
  readonly provider: string;
  readonly idToken: string;
}): Promise<Credentials> {
  const logins = { [options.provider]: options.idToken };
  const { IdentityId } = await cognitoIdentity(options.endpoint, 'GetId', { IdentityPoolId: options.identityPoolId, Logins: logins });
  const { Credentials: c } = await cognitoIdentity(options.endpoint, 'GetCredentialsForIdentity', { IdentityId, Logins: logins });
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretKey, sessionToken: c.SessionToken, expiration: c.Expiration * 1000 };
}

/** The tokens of the user pool's token endpoint. */
export interface Tokens {
  readonly idToken: string;
  readonly accessToken: string;
  readonly refreshToken?: string;
}

/** Exchanges an authorization code (with its PKCE verifier) for tokens. */
export async function exchangeCode(options: {
  readonly signInUrl: string;
  readonly clientId: string;
  readonly code: string;
  readonly verifier: string;
  readonly redirectUri: string;
}): Promise<Tokens> {
  const response = await fetch(`${options.signInUrl}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: options.clientId,
      code: options.code,
      code_verifier: options.verifier,
      redirect_uri: options.redirectUri,
    }).toString(),
  });
  const json = await answer(response);
  return { idToken: json.id_token, accessToken: json.access_token, refreshToken: json.refresh_token };
}

/** A PKCE pair: a random verifier and its S256 challenge (RFC 7636). */
export async function pkce(): Promise<{ verifier: string; challenge: string }> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  return { verifier, challenge };
}

export function base64url(bytes: Uint8Array): string {
  let s = '';
  bytes.forEach(b => { s += String.fromCharCode(b); });
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The claims of a JWT (not verified here: the identity pool verifies the token). */
export function claimsOf(jwt: string): Record<string, unknown> {
  const payload = jwt.split('.')[1] ?? '';
  const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(decodeURIComponent(Array.from(json, c => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('')));
}
