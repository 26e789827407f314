import * as path from 'path';
import { Aspects, Aws, CfnResource, Duration, RemovalPolicy, Stack, Tag, Token } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesisvideo from 'aws-cdk-lib/aws-kinesisvideo';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct, IConstruct } from 'constructs';
import { acknowledgeRules, RuleAcknowledgement } from './private/rule-acknowledgements';
import { ACCESS_GROUP_TAG_KEY } from './private/tags-and-quotas';
import { ViewerIdentity } from './viewer-identity';
import { WebRtcIngestion } from './webrtc-ingestion';

/** The page, built by `npx projen bundle` from src/live-view/ and shipped in the package. */
const PAGE_ASSET = path.join(__dirname, '..', 'assets', 'live-view');

/** The runtime of aws-cdk-lib's BucketDeployment function (see acknowledgeBucketDeployment). */
const BUCKET_DEPLOYMENT_RUNTIME = 'python3.13';

/** The camera directory's objects: one per access group, `cameras/<group>.json`. */
const DIRECTORY_PREFIX = 'cameras/';

/**
 * Properties of a `LiveViewApp`.
 */
export interface LiveViewAppProps {
  /**
   * The viewers whose app this is: their user pool, app client, identity pool and fleet. Create
   * the app after the fleet's cameras: the camera directory lists the cameras added so far.
   */
  readonly viewers: ViewerIdentity;

  /**
   * The base URL of the user pool's managed login (its domain), where users sign in with the
   * authorization code grant and PKCE, e.g. `userPoolDomain.baseUrl()` or
   * `https://auth.example.com`. The app client must allow the `code` grant and the `openid`
   * scope; its callback and sign-out URLs must include the app's URL (`url`), which is done
   * for you when the client is defined in the same stack.
   */
  readonly signInUrl: string;

  /**
   * What happens to the app's buckets (the page and the camera directory) when the app is
   * removed from the stack. Both hold only what the deployment writes.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * How long a viewer waits for a camera's answer before the page calls it offline.
   *
   * @default Duration.seconds(10)
   */
  readonly offlineTimeout?: Duration;
}

/**
 * A web app where a fleet's viewers sign in, see their own cameras, watch them live and play
 * their recordings: a static page in a private S3 bucket behind Amazon CloudFront (origin access
 * control, HTTPS only, a strict Content-Security-Policy), configured at deployment for a
 * `ViewerIdentity`.
 *
 * The page signs in with the user pool's managed login (authorization code with PKCE), takes the
 * identity pool's credentials, and reads the list of its user's cameras from the camera
 * directory: one object per access group in a private bucket, which each user may read only for
 * their own group (IAM, with the access group principal tag), so no other group's camera name
 * reaches the browser. Live view is the official Kinesis Video Streams WebRTC signaling client as
 * VIEWER (joining the storage session of a recorded camera); playback is HLS.
 *
 * @example
 * declare const userPool: cognito.UserPool;
 * declare const userPoolClient: cognito.UserPoolClient;
 * declare const userPoolDomain: cognito.UserPoolDomain;
 * const fleet = new CameraFleet(this, 'Homes');
 * fleet.addCamera('smith-porch', { accessGroup: 'smith' });
 * const viewers = new ViewerIdentity(this, 'HomeViewers', { fleet, userPool, userPoolClient });
 * const app = new LiveViewApp(this, 'LiveView', { viewers, signInUrl: userPoolDomain.baseUrl() });
 * new CfnOutput(this, 'LiveViewUrl', { value: app.url });
 */
export class LiveViewApp extends Construct {
  /** The app's address, `https://<distribution domain>/`. */
  public readonly url: string;

  /** The CloudFront distribution that serves the page. */
  public readonly distribution: cloudfront.IDistribution;

  /** The private bucket of the page (read by CloudFront only). */
  public readonly bucket: s3.IBucket;

  /**
   * The private bucket of the camera directory: `cameras/<access group>.json`, each readable
   * only by the users of that access group.
   */
  public readonly directoryBucket: s3.IBucket;

  /** The access groups in the camera directory, and their cameras' names. */
  public readonly directory: Record<string, string[]>;

  constructor(scope: Construct, id: string, props: LiveViewAppProps) {
    super(scope, id);
    const { viewers } = props;
    const stack = Stack.of(this);
    validateSignInUrl(this, props.signInUrl);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;

    const bucketProps: s3.BucketProps = {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy,
    };
    const bucket = new s3.Bucket(this, 'Bucket', bucketProps);
    this.bucket = bucket;
    const directoryBucket = new s3.Bucket(this, 'DirectoryBucket', {
      ...bucketProps,
      // The page reads its group's object from the browser. Any origin: every request is
      // SigV4-signed with the user's own credentials and IAM decides; no cookie is involved.
      cors: [{ allowedMethods: [s3.HttpMethods.GET], allowedOrigins: ['*'], allowedHeaders: ['*'], maxAge: 3600 }],
    });
    this.directoryBucket = directoryBucket;

    const suffix = Aws.URL_SUFFIX;
    const region = stack.region;
    const kinesisVideoUrl = `https://kinesisvideo.${region}.${suffix}`;
    const cognitoIdentityUrl = `https://cognito-identity.${region}.${suffix}`;
    const directoryUrl = `https://${directoryBucket.bucketRegionalDomainName}`;

    const responseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      comment: `Security headers of the live-view app ${this.node.path}`.slice(0, 128),
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          override: true,
          contentSecurityPolicy: contentSecurityPolicy({ region, suffix, signInUrl: props.signInUrl, directoryUrl }),
        },
        contentTypeOptions: { override: true },
        frameOptions: { override: true, frameOption: cloudfront.HeadersFrameOption.DENY },
        referrerPolicy: { override: true, referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER },
        strictTransportSecurity: { override: true, accessControlMaxAge: Duration.days(730), includeSubdomains: true },
      },
      customHeadersBehavior: {
        customHeaders: [{ header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()', override: true }],
      },
    });

    const distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `Live-view app ${this.node.path}`.slice(0, 128),
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy,
        compress: true,
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
    });
    this.distribution = distribution;
    this.url = `https://${distribution.distributionDomainName}/`;

    // The camera directory: at deployment, one object per access group (cameras added so far).
    this.directory = cameraDirectory(viewers);
    new s3deploy.BucketDeployment(this, 'DeployDirectory', {
      destinationBucket: directoryBucket,
      destinationKeyPrefix: DIRECTORY_PREFIX,
      sources: Object.entries(this.directory).map(([group, names]) => s3deploy.Source.jsonData(`${group}.json`, {
        cameras: names.map(name => ({ name, channelName: name, streamName: name })),
      })),
      prune: true,
      memoryLimit: 256,
    });

    const config = {
      region,
      userPoolClientId: viewers.userPoolClient.userPoolClientId,
      identityPoolId: viewers.identityPoolId,
      identityProvider: viewers.userPool.userPoolProviderName,
      signInUrl: props.signInUrl.replace(/\/+$/, ''),
      accessGroupClaim: viewers.accessGroupAttribute,
      directoryUrl,
      kinesisVideoUrl,
      cognitoIdentityUrl,
      stunUrls: [`stun:stun.kinesisvideo.${region}.${suffix}:443`],
      offlineTimeoutSeconds: props.offlineTimeout?.toSeconds() ?? 10,
    };
    new s3deploy.BucketDeployment(this, 'DeployPage', {
      destinationBucket: bucket,
      sources: [s3deploy.Source.asset(PAGE_ASSET), s3deploy.Source.jsonData('config.json', config)],
      distribution,
      distributionPaths: ['/*'],
      prune: true,
      memoryLimit: 256,
    });

    // Each user may read their own group's directory object, and list only that key (so that a
    // group without cameras gets 404, not 403).
    const ownGroup = `\${aws:PrincipalTag/${ACCESS_GROUP_TAG_KEY}}`;
    const directoryPolicy = new iam.ManagedPolicy(this, 'DirectoryPolicy', {
      description: `Each user of ${viewers.node.path} may read the camera directory object of their own access group`,
      roles: [viewers.role],
      statements: [
        new iam.PolicyStatement({
          actions: ['s3:GetObject'],
          resources: [directoryBucket.arnForObjects(`${DIRECTORY_PREFIX}${ownGroup}.json`)],
        }),
        new iam.PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [directoryBucket.bucketArn],
          conditions: { StringEquals: { 's3:prefix': `${DIRECTORY_PREFIX}${ownGroup}.json` } },
        }),
      ],
    });
    acknowledgeRules(directoryPolicy.node.defaultChild as CfnResource, [{
      id: 'AwsSolutions-IAM5',
      reason: 'One object per user: the camera directory object named after the caller\'s own access group (a policy variable, '
        + '${aws:PrincipalTag/...}), which IAM resolves per request; no wildcard.',
      findings: [`Resource::${directoryBucket.arnForObjects(`${DIRECTORY_PREFIX}${ownGroup}.json`)}`],
    }]);

    wireAppClient(this, viewers.userPoolClient, this.url);
    acknowledgeAppRules(this, bucket, directoryBucket, distribution);
  }
}

/** `url` must be an https base URL (without query or fragment). */
function validateSignInUrl(scope: IConstruct, url: string): void {
  if (Token.isUnresolved(url)) return;
  if (!/^https:\/\/[^/?#\s]+(\/[^?#\s]*)?$/.test(url)) {
    throw new Error('invalid signInUrl: expected the https base URL of the user pool\'s managed login (e.g. \'https://auth.example.com\'), '
      + `got '${url}'. Use the user pool domain's baseUrl(). (${scope.node.path})`);
  }
}

/**
 * The page's Content-Security-Policy: its own scripts and styles; calls to the regional Kinesis
 * Video endpoints (control plane, signaling, storage session, HLS), the identity pool, the managed
 * login's token endpoint and the camera directory; HLS media from Kinesis Video. WebRTC media
 * and STUN/TURN are not governed by CSP (docs/design/live-view-app.md).
 */
function contentSecurityPolicy(p: { region: string; suffix: string; signInUrl: string; directoryUrl: string }): string {
  const kvs = `kinesisvideo.${p.region}.${p.suffix}`;
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    `media-src 'self' blob: https://*.${kvs}`,
    `connect-src 'self' https://${kvs} https://*.${kvs} wss://*.${kvs} https://cognito-identity.${p.region}.${p.suffix} ${p.signInUrl} ${p.directoryUrl}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/**
 * The access groups of the fleet's cameras so far, and their names. A camera's group is the
 * value of its access-group tag, which `CameraFleet.addCamera` adds with `Tags.of(camera)` (an
 * aspect, applied only at synthesis): read from that aspect.
 */
function cameraDirectory(viewers: ViewerIdentity): Record<string, string[]> {
  const directory: Record<string, string[]> = {};
  for (const camera of viewers.fleet.cameras) {
    const group = accessGroupOf(camera);
    if (group === undefined) continue;
    // the fleet names a camera's channel and stream alike, with a literal name (prefix + name)
    const name = (camera.channel.node.defaultChild as kinesisvideo.CfnSignalingChannel).name!;
    (directory[group] ??= []).push(name);
  }
  return directory;
}

function accessGroupOf(camera: WebRtcIngestion): string | undefined {
  const tags = Aspects.of(camera).all.filter((a): a is Tag => a instanceof Tag && a.key === ACCESS_GROUP_TAG_KEY);
  return tags.length === 0 ? undefined : tags[tags.length - 1].value;
}

/** A client of this stack: the app's URL becomes one of its callback and sign-out URLs. */
function wireAppClient(app: IConstruct, client: cognito.IUserPoolClient, url: string): void {
  const cfn = client.node.defaultChild;
  if (!(cfn instanceof cognito.CfnUserPoolClient) || Stack.of(cfn) !== Stack.of(app)) return;
  const add = (urls: string[] | undefined) => [...(urls ?? []).filter(u => u !== 'https://example.com'), url];
  cfn.callbackUrLs = add(cfn.callbackUrLs);
  cfn.logoutUrLs = add(cfn.logoutUrLs);
}

/** The findings of cdk-nag that cannot apply to a public static page, each with its reason. */
function acknowledgeAppRules(app: LiveViewApp, bucket: s3.Bucket, directoryBucket: s3.Bucket, distribution: cloudfront.Distribution): void {
  const bucketRules: RuleAcknowledgement[] = [
    ...['AwsSolutions-S1', 'HIPAA.Security-S3BucketLoggingEnabled', 'NIST.800.53.R5-S3BucketLoggingEnabled', 'PCI.DSS.321-S3BucketLoggingEnabled']
      .map(id => ({
        id,
        reason: 'Written only by the deployment (CloudFormation) and read through CloudFront or by the users\' own signed requests, '
        + 'which CloudTrail data events can log; server access logs would need a further bucket for content that is public or per user.',
      })),
    ...['HIPAA.Security-S3BucketReplicationEnabled', 'NIST.800.53.R5-S3BucketReplicationEnabled', 'PCI.DSS.321-S3BucketReplicationEnabled']
      .map(id => ({ id, reason: 'Content rebuilt by every deployment from the stack: nothing to replicate or recover.' })),
    ...['HIPAA.Security-S3BucketVersioningEnabled', 'NIST.800.53.R5-S3BucketVersioningEnabled', 'PCI.DSS.321-S3BucketVersioningEnabled']
      .map(id => ({ id, reason: 'Content rebuilt by every deployment from the stack: old versions are never needed.' })),
    ...['HIPAA.Security-S3DefaultEncryptionKMS', 'NIST.800.53.R5-S3DefaultEncryptionKMS', 'PCI.DSS.321-S3DefaultEncryptionKMS']
      .map(id => ({
        id,
        reason: 'A static page and camera names: S3-managed encryption at rest suffices, and CloudFront origin access control '
        + 'to an SSE-KMS bucket would need a key policy for CloudFront.',
      })),
  ];
  for (const b of [bucket, directoryBucket]) acknowledgeRules(b.node.defaultChild as CfnResource, bucketRules);
  acknowledgeRules(distribution.node.defaultChild as CfnResource, [
    { id: 'AwsSolutions-CFR1', reason: 'The app serves its users wherever they are; geographic restrictions are the deployer\'s choice.' },
    {
      id: 'AwsSolutions-CFR2',
      reason: 'A static page with no server-side logic; every API call is SigV4-signed and authorized by IAM. '
      + 'Associate a web ACL (webAclId) to add AWS WAF.',
    },
    { id: 'AwsSolutions-CFR3', reason: 'Access logs of a static page would need a log bucket with ACLs enabled; enable them on the distribution if needed.' },
    {
      id: 'AwsSolutions-CFR4',
      reason: 'The default *.cloudfront.net certificate: CloudFront negotiates TLS 1.2 or later with modern browsers; '
      + 'a custom domain and certificate set the minimum protocol version.',
    },
  ]);
  // The deployment's own function (aws-cdk-lib's BucketDeployment singleton) is a one-off copy at deployment.
  const stack = Stack.of(app);
  for (const child of stack.node.children) {
    if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
    acknowledgeBucketDeployment(child);
    // the grants of this app's deployments: its buckets' objects, and the deployment assets they copy
    const assetBuckets = app.node.findAll()
      .filter((c): c is s3.IBucket => c !== bucket && c !== directoryBucket && 'bucketArn' in c && 'arnForObjects' in c);
    const policy = child.node.tryFindChild('ServiceRole')?.node.tryFindChild('DefaultPolicy')?.node.tryFindChild('Resource') as CfnResource | undefined;
    if (policy) {
      acknowledgeRules(policy, [{
        id: 'AwsSolutions-IAM5',
        reason: `aws-cdk-lib's BucketDeployment grants for ${app.node.path}: write the page's and the camera directory's objects, `
          + 'read the deployment assets\' objects.',
        findings: [bucket, directoryBucket, ...assetBuckets].map(b => `Resource::${b.arnForObjects('*')}`),
      }]);
    }
  }
}

/** The BucketDeployment singletons already fixed and acknowledged (once per stack, whatever the number of apps). */
const acknowledgedHandlers = new WeakSet<IConstruct>();

function acknowledgeBucketDeployment(handler: IConstruct): void {
  if (acknowledgedHandlers.has(handler)) return;
  acknowledgedHandlers.add(handler);
  const fn = handler.node.tryFindChild('Resource') as CfnResource | undefined;
  const role = handler.node.tryFindChild('ServiceRole');
  const roleResource = role?.node.tryFindChild('Resource') as CfnResource | undefined;
  const policy = role?.node.tryFindChild('DefaultPolicy')?.node.tryFindChild('Resource') as CfnResource | undefined;
  if (fn) {
    // aws-cdk-lib's floor (2.176.0) runs the handler on python3.11, whose creation Lambda disabled on
    // 2026-07-31 (cfn-lint E2533): the runtime of later aws-cdk-lib releases. The handler is plain
    // Python calling the AWS CLI of its layer.
    fn.addPropertyOverride('Runtime', BUCKET_DEPLOYMENT_RUNTIME);
    // its DependsOn the role repeats the order its Fn::GetAtt Role already gives (cfn-lint W3005): the
    // role's default policy remains
    if (roleResource && policy) fn.addOverride('DependsOn', [Stack.of(fn).getLogicalId(policy)]);
    acknowledgeRules(fn, [
      { id: 'AwsSolutions-L1', reason: 'aws-cdk-lib\'s BucketDeployment function: its runtime is chosen by aws-cdk-lib.' },
      ...['HIPAA.Security-LambdaConcurrency', 'NIST.800.53.R5-LambdaConcurrency']
        .map(id => ({ id, reason: 'Runs only during deployments, once per BucketDeployment, invoked by CloudFormation.' })),
      ...['HIPAA.Security-LambdaDLQ', 'NIST.800.53.R5-LambdaDLQ']
        .map(id => ({ id, reason: 'Invoked synchronously by CloudFormation, which reports a failure: there is no asynchronous event to keep.' })),
      ...['HIPAA.Security-LambdaInsideVPC', 'NIST.800.53.R5-LambdaInsideVPC', 'PCI.DSS.321-LambdaInsideVPC']
        .map(id => ({ id, reason: 'Copies deployment assets between S3 buckets over AWS endpoints; it has no private network resource to reach.' })),
    ]);
  }
  if (roleResource) {
    acknowledgeRules(roleResource, [{
      id: 'AwsSolutions-IAM4',
      reason: 'aws-cdk-lib\'s BucketDeployment function: AWSLambdaBasicExecutionRole, for its logs only.',
      findings: [`Policy::arn:${Aws.PARTITION}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`],
    }]);
  }
  if (policy) {
    acknowledgeRules(policy, [
      {
        id: 'AwsSolutions-IAM5',
        reason: 'aws-cdk-lib\'s BucketDeployment grants: read the deployment assets, write and prune the destination buckets\' objects '
          + '(its action groups), and invalidate the distribution (CloudFront invalidations are authorized on * only).',
        findings: ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map(a => `Action::${a}`).concat('Resource::*'),
      },
      ...['HIPAA.Security-IAMNoInlinePolicy', 'NIST.800.53.R5-IAMNoInlinePolicy', 'PCI.DSS.321-IAMNoInlinePolicy']
        .map(id => ({ id, reason: 'aws-cdk-lib\'s BucketDeployment adds its grants to its role\'s default (inline) policy.' })),
    ]);
  }
  // newer aws-cdk-lib releases give the function a log group of its own
  const logGroup = handler.node.tryFindChild('LogGroup')?.node.defaultChild as CfnResource | undefined;
  if (logGroup) {
    acknowledgeRules(logGroup, ['HIPAA.Security-CloudWatchLogGroupEncrypted', 'NIST.800.53.R5-CloudWatchLogGroupEncrypted', 'PCI.DSS.321-CloudWatchLogGroupEncrypted']
      .map(id => ({ id, reason: 'The deployment function\'s logs: file names copied at deployment, nothing secret; the AWS-managed encryption of CloudWatch Logs applies.' })));
  }
}
