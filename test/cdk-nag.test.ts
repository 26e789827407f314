/**
 * cdk-nag's rule packs that users run (AwsSolutions, HIPAA Security, NIST 800-53 R5, PCI DSS
 * 3.2.1) find nothing on the library's resources, in the example stack and in a stack that uses
 * every feature of the library (environment-agnostic or with a literal environment).
 *
 * The in-repo suite runs cdk-nag 2 (the dev dependency) at the aws-cdk-lib floor; cdk-nag 3
 * needs aws-cdk-lib 2.257+ and runs in the consumer matrix (test/consumer/smoke.sh). What
 * cdk-nag 3 reads, the `aws:cdk:acknowledged-rules` construct metadata, is checked here: its
 * ids are exactly the findings cdk-nag computes, in both kinds of environment.
 *
 * The library acknowledges, on the link provider only, each with a reason: AwsSolutions-IAM5 on
 * the role's `channel/*` and `stream/*` resources, IAMNoInlinePolicy on the role, CloudWatchLogGroupEncrypted on
 * the log group, LambdaConcurrency, LambdaDLQ and LambdaInsideVPC on the function. These tests
 * prove that each acknowledgement sits on that one resource, is narrow, and is needed (the rule
 * fires without it).
 */
import { App, Aspects, CfnResource, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SynthesisMessage } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPackProps, NagSuppressions, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { CameraStack } from '../example/camera-stack';
import { ViewersStack } from '../example/viewers-stack';
import { CameraFleet, CameraOnboarding, DeviceIdentity, MediaStorageLink, SignalingChannel, VideoStream, ViewerIdentity, ViewerIdentityProps, WebRtcIngestion } from '../src';
import { acknowledgedIds, RuleSuppression, suppressedIds } from './util/nag';
import { ACKNOWLEDGED_RULES_METADATA_TYPE } from '../src/private/rule-acknowledgements';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const IMPORTED_CHANNEL_ARN = `arn:aws:kinesisvideo:${REGION}:${ACCOUNT}:channel/garage.side_door-1/1700000000000`;
const IMPORTED_STREAM_ARN = `arn:aws:kinesisvideo:${REGION}:${ACCOUNT}:stream/garage.side_door-1/1700000000001`;
const IMPORTED_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/12345678-1234-1234-1234-123456789012`;

const PROVIDER = 'KinesisVideoMediaStorageLinkProvider';
const PROVIDER_ROLE_PATH = `${PROVIDER}/Role/Resource`;

/** The rule packs, by the prefix of their rule ids. */
const PACK_PREFIX = /^(AwsSolutions|HIPAA\.Security|NIST\.800\.53\.R5|PCI\.DSS\.321)-/;

/** The channel wildcard finding of the provider role, as cdk-nag writes it, per environment. */
const CHANNEL_WILDCARD = {
  agnostic: 'Resource::arn:<AWS::Partition>:kinesisvideo:<AWS::Region>:<AWS::AccountId>:channel/*',
  literal: `Resource::arn:<AWS::Partition>:kinesisvideo:${REGION}:${ACCOUNT}:channel/*`,
};

/** The stream wildcard finding of the provider role (DescribeMappedResourceConfiguration), per environment. */
const STREAM_WILDCARD = {
  agnostic: 'Resource::arn:<AWS::Partition>:kinesisvideo:<AWS::Region>:<AWS::AccountId>:stream/*',
  literal: `Resource::arn:<AWS::Partition>:kinesisvideo:${REGION}:${ACCOUNT}:stream/*`,
};

/** What the library acknowledges, by provider resource: every rule that fires there without it. */
const ACKNOWLEDGED = (env: keyof typeof CHANNEL_WILDCARD): Record<string, string[]> => ({
  [`${PROVIDER}/Role/Resource`]: [
    `AwsSolutions-IAM5[${CHANNEL_WILDCARD[env]}]`,
    `AwsSolutions-IAM5[${STREAM_WILDCARD[env]}]`,
    'HIPAA.Security-IAMNoInlinePolicy',
    'NIST.800.53.R5-IAMNoInlinePolicy',
    'PCI.DSS.321-IAMNoInlinePolicy',
  ],
  [`${PROVIDER}/LogGroup/Resource`]: [
    'HIPAA.Security-CloudWatchLogGroupEncrypted',
    'NIST.800.53.R5-CloudWatchLogGroupEncrypted',
    'PCI.DSS.321-CloudWatchLogGroupEncrypted',
  ],
  [`${PROVIDER}/Function/Resource`]: [
    'HIPAA.Security-LambdaConcurrency',
    'NIST.800.53.R5-LambdaConcurrency',
    'HIPAA.Security-LambdaDLQ',
    'NIST.800.53.R5-LambdaDLQ',
    'HIPAA.Security-LambdaInsideVPC',
    'NIST.800.53.R5-LambdaInsideVPC',
    'PCI.DSS.321-LambdaInsideVPC',
  ],
});

// ---------------------------------------------------------------------------------------------
// helpers

/** An app checked by the four packs of cdk-nag 2. */
function nagApp(props: NagPackProps = {}): App {
  const app = new App();
  for (const pack of [AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks]) {
    Aspects.of(app).add(new pack({ verbose: true, ...props }));
  }
  return app;
}

/** The errors and warnings of the four packs on a stack, as readable lines. */
function nagFindings(stack: Stack): { errors: string[]; warnings: string[] } {
  const annotations = Annotations.fromStack(stack);
  const format = (m: SynthesisMessage) => `${m.id}: ${String(m.entry.data).split('\n')[0]}`;
  const ofPacks = (m: SynthesisMessage) => PACK_PREFIX.test(String(m.entry.data));
  return {
    errors: annotations.findError('*', Match.anyValue()).filter(ofPacks).map(format),
    warnings: annotations.findWarning('*', Match.anyValue()).filter(ofPacks).map(format),
  };
}

/** The paths of the constructs under `scope` that carry an acknowledgement of cdk-nag 2 or 3. */
function acknowledgedPaths(scope: IConstruct): string[] {
  return scope.node.findAll().filter(c =>
    (CfnResource.isCfnResource(c) && c.getMetadata('cdk_nag') !== undefined) || c.node.metadata.some(m => m.type === ACKNOWLEDGED_RULES_METADATA_TYPE))
    .map(c => c.node.path);
}

/** Every error and warning of the four packs under a path below the stack, as `path id: first line`. */
function packFindings(stack: Stack, under = ''): string[] {
  const annotations = Annotations.fromStack(stack);
  const format = (m: SynthesisMessage) => `${m.id} ${String(m.entry.data).split('\n')[0]}`;
  const packs = Match.stringLikeRegexp(PACK_PREFIX.source);
  return [...annotations.findError('*', packs), ...annotations.findWarning('*', packs)]
    .map(format)
    .filter(f => f.startsWith(`/${stack.stackName}/${under}`));
}

/** The rule (with its finding, for a granular rule) of each pack finding, by construct path below the stack. */
function findingsByPath(stack: Stack): Record<string, string[]> {
  const { errors, warnings } = nagFindings(stack);
  const result: Record<string, string[]> = {};
  for (const line of [...errors, ...warnings]) {
    const m = /^\/[^/]+\/(.*?): ([A-Za-z0-9.]+-[A-Za-z0-9]+(?:\[[^\]]*\])?):/.exec(line);
    expect(m).not.toBeNull();
    (result[m![1]] ??= []).push(m![2]);
  }
  return result;
}

/** The library's constructs: a finding on a resource inside one of them is the library's. */
const LIBRARY_CONSTRUCTS = [SignalingChannel, VideoStream, MediaStorageLink, WebRtcIngestion, CameraFleet];

function isLibraryResource(stack: Stack, path: string): boolean {
  const resource = stack.node.findAll().find((c) => c.node.path === `${stack.node.path}/${path}`);
  expect(resource).toBeDefined();
  for (let c: IConstruct | undefined = resource; c; c = c.node.scope) {
    if (c.node.id === PROVIDER || LIBRARY_CONSTRUCTS.some((cls) => c instanceof cls)) return true;
  }
  return false;
}

/**
 * Asserts no finding of any pack on the library's resources, and no AwsSolutions finding at all
 * (the stacks' own resources are built to pass it; HIPAA, NIST and PCI report on them, e.g. the
 * inline default policies of the grantees, which is the app's business).
 */
function expectNoFindings(stack: Stack): void {
  const findings = Object.entries(findingsByPath(stack));
  const onLibrary = findings.filter(([path]) => isLibraryResource(stack, path));
  const awsSolutions = findings.map(([path, rules]) => [path, rules.filter((r) => r.startsWith('AwsSolutions-'))] as const)
    .filter(([, rules]) => rules.length > 0);
  expect({ onLibrary, awsSolutions }).toEqual({ onLibrary: [], awsSolutions: [] });
  // the packs ran: the stacks' own grantee policies are inline, which HIPAA reports
  expect(findings.some(([, rules]) => rules.includes('HIPAA.Security-IAMNoInlinePolicy'))).toBe(true);
}

/** The CloudFormation resource at a path below the stack. */
function resourceAt(stack: Stack, path: string): CfnResource {
  const found = stack.node.findAll().filter((c) => CfnResource.isCfnResource(c) && c.node.path === `${stack.node.path}/${path}`);
  expect(found).toHaveLength(1);
  return found[0] as CfnResource;
}

/** The CloudFormation resource of the link provider's role. */
function providerRoleResource(stack: Stack): CfnResource {
  return resourceAt(stack, PROVIDER_ROLE_PATH);
}

/** cdk-nag 3's reading of a construct: the ids of its `aws:cdk:acknowledged-rules` metadata, without the `Annotation::` qualifier. */

/** A role for a device, as cdk-nag accepts it (no managed policy, no wildcard). */
function deviceRole(scope: Stack, id: string): iam.Role {
  return new iam.Role(scope, id, {
    assumedBy: new iam.ServicePrincipal('credentials.iot.amazonaws.com'),
    description: `Assumed by a camera through the AWS IoT credentials provider (${id})`,
  });
}

/**
 * A Lambda function as cdk-nag accepts it: the latest Node.js runtime, and its own role
 * without the AWS-managed AWSLambdaBasicExecutionRole (AwsSolutions-IAM4).
 */
function granteeFunction(scope: Stack, id: string): lambda.Function {
  const role = new iam.Role(scope, `${id}Role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Role of ${id}`,
  });
  return new lambda.Function(scope, id, {
    // the latest Node.js runtime, as the library's handler names it (Runtime.NODEJS_24_X is newer than the floor)
    runtime: new lambda.Runtime('nodejs24.x', lambda.RuntimeFamily.NODEJS, { supportsInlineCode: true }),
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({});'),
    role,
  });
}

/**
 * Every feature of the library in one stack. Add new constructs and grants here: the cdk-nag
 * tests below run on whatever this builds.
 */
function buildEveryFeatureStack(stack: Stack): void {
  const key = new kms.Key(stack, 'RecordingKey', {
    enableKeyRotation: true,
    description: 'Encrypts the recordings',
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const camera = deviceRole(stack, 'CameraRole');
  const viewer = new iam.Role(stack, 'ViewerRole', {
    assumedBy: new iam.AccountRootPrincipal(),
    description: 'Assumed by the viewing app',
  });
  const worker = granteeFunction(stack, 'Worker');

  // WebRtcIngestion with every prop, and every grant
  const frontDoor = new WebRtcIngestion(stack, 'FrontDoor', {
    channelName: 'front-door',
    streamName: 'front-door',
    messageTtl: Duration.seconds(30),
    retention: Duration.days(30),
    encryptionKey: key,
    mediaType: 'video/h264,audio/aac',
    removalPolicy: RemovalPolicy.DESTROY,
  });
  frontDoor.grantMaster(camera);
  frontDoor.grantViewer(viewer);
  frontDoor.grantPlayback(viewer);
  frontDoor.grantPlayback(worker);

  // a second camera with the defaults: the link provider is shared
  const backDoor = new WebRtcIngestion(stack, 'BackDoor');
  backDoor.grantMaster(deviceRole(stack, 'BackDoorCameraRole'));
  backDoor.grantViewer(worker);

  // WebRtcIngestion.fromWebRtcIngestionAttributes, with and without a key
  const garage = WebRtcIngestion.fromWebRtcIngestionAttributes(stack, 'Garage', {
    channelArn: IMPORTED_CHANNEL_ARN,
    streamArn: IMPORTED_STREAM_ARN,
    encryptionKey: kms.Key.fromKeyArn(stack, 'GarageKey', IMPORTED_KEY_ARN),
  });
  garage.grantMaster(deviceRole(stack, 'GarageCameraRole'));
  garage.grantViewer(worker);
  garage.grantPlayback(viewer);
  const shed = WebRtcIngestion.fromWebRtcIngestionAttributes(stack, 'Shed', {
    channelArn: IMPORTED_CHANNEL_ARN.replace('garage.side_door-1', 'shed'),
    streamArn: IMPORTED_STREAM_ARN.replace('garage.side_door-1', 'shed'),
  });
  shed.grantViewer(viewer);

  // the L2s with every prop, linked by hand, and every grant
  const channel = new SignalingChannel(stack, 'Channel', {
    signalingChannelName: 'yard',
    messageTtl: Duration.seconds(120),
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const stream = new VideoStream(stack, 'Stream', {
    videoStreamName: 'yard',
    retention: Duration.hours(1),
    encryptionKey: key,
    mediaType: 'video/h264',
    removalPolicy: RemovalPolicy.DESTROY,
  });
  new MediaStorageLink(stack, 'YardLink', { channel, stream });
  channel.grantMaster(camera);
  channel.grantViewer(viewer);
  channel.grantStorageSessionMaster(camera);
  channel.grantStorageSessionViewer(worker);
  channel.grant(viewer, 'kinesisvideo:DescribeMediaStorageConfiguration');
  stream.grantWrite(camera);
  stream.grantRead(worker);
  stream.grantPlayback(viewer);
  stream.grant(worker, 'kinesisvideo:ListFragments');

  // an unlinked stream without retention, and the metrics
  const liveOnly = new VideoStream(stack, 'LiveOnly', { retention: Duration.hours(0) });
  liveOnly.grantRead(worker);
  for (const metric of [
    stream.metricPutMediaIncomingBytes(),
    stream.metricPutMediaIncomingFrames(),
    stream.metricPutMediaSuccess(),
    stream.metricPutMediaFragmentIngestionLatency(),
    stream.metricPutMediaFragmentPersistLatency(),
    stream.metricGetMediaSuccess(),
    stream.metricGetMediaMillisBehindNow(),
    stream.metric('PutMedia.Requests'),
  ]) {
    metric.createAlarm(stack, `Alarm${metric.metricName.replace(/\W/g, '')}`, { threshold: 1, evaluationPeriods: 1 });
  }

  // imports by ARN, and their grants
  const importedChannel = SignalingChannel.fromSignalingChannelArn(stack, 'ImportedChannel', IMPORTED_CHANNEL_ARN);
  importedChannel.grantStorageSessionMaster(camera);
  importedChannel.grantViewer(worker);
  const importedChannelByAttributes = SignalingChannel.fromSignalingChannelAttributes(stack, 'ImportedChannelAttrs', {
    signalingChannelArn: IMPORTED_CHANNEL_ARN,
  });
  importedChannelByAttributes.grantMaster(camera);
  const importedStream = VideoStream.fromVideoStreamArn(stack, 'ImportedStream', IMPORTED_STREAM_ARN);
  importedStream.grantWrite(camera);
  importedStream.grantRead(worker);
  const importedEncryptedStream = VideoStream.fromVideoStreamAttributes(stack, 'ImportedEncryptedStream', {
    videoStreamArn: IMPORTED_STREAM_ARN,
    encryptionKey: kms.Key.fromKeyArn(stack, 'ImportedStreamKey', IMPORTED_KEY_ARN),
  });
  importedEncryptedStream.grantPlayback(viewer);
  new cloudwatch.Alarm(stack, 'ImportedStreamAlarm', {
    metric: importedStream.metricPutMediaSuccess(),
    threshold: 1,
    evaluationPeriods: 1,
  });
}

// ---------------------------------------------------------------------------------------------
// zero findings

describe('the four packs find nothing', () => {
  test('in the example stack', () => {
    const stack = new CameraStack(nagApp(), 'WebRtcIngestionExample');
    expectNoFindings(stack);
  });

  test.each<[string, StackProps]>([
    ['environment-agnostic', {}],
    ['with a literal environment', { env: { account: ACCOUNT, region: REGION } }],
  ])('in a stack with every feature, %s', (_, props) => {
    const stack = new Stack(nagApp(), 'EveryFeature', props);
    buildEveryFeatureStack(stack);
    expectNoFindings(stack);
    // the stack is what it claims to be
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::KinesisVideoMediaStorageLink', 3);
    template.resourceCountIs('AWS::Lambda::Function', 2);
  });

  test('the checks really run: an unsuppressed wildcard next to the library is reported', () => {
    const stack = new Stack(nagApp(), 'Canary');
    buildEveryFeatureStack(stack);
    deviceRole(stack, 'Careless').addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['kinesisvideo:*'],
      resources: ['*'],
    }));
    const errors = nagFindings(stack).errors.filter((e) => e.includes('AwsSolutions-'));
    expect(errors.join('\n')).toMatch(/Careless.*AwsSolutions-IAM5/);
    expect(errors.every((e) => e.includes('Careless'))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// the library's acknowledgements


const ENVIRONMENTS: Array<[keyof typeof CHANNEL_WILDCARD, StackProps]> = [
  ['agnostic', {}],
  ['literal', { env: { account: ACCOUNT, region: REGION } }],
];

describe('the library acknowledges findings on the link provider only, in the forms of cdk-nag 2 and 3', () => {
  const stacks: Array<[string, keyof typeof CHANNEL_WILDCARD, () => Stack]> = [
    ['the example stack', 'agnostic', () => new CameraStack(new App(), 'WebRtcIngestionExample')],
    ['the every-feature stack', 'agnostic', () => {
      const stack = new Stack(new App(), 'EveryFeature');
      buildEveryFeatureStack(stack);
      return stack;
    }],
    ['the every-feature stack with a literal environment', 'literal', () => {
      const stack = new Stack(new App(), 'EveryFeature', { env: { account: ACCOUNT, region: REGION } });
      buildEveryFeatureStack(stack);
      return stack;
    }],
  ];

  test.each(stacks)('in %s, exactly the provider\'s role, log group and function carry acknowledgements', (_, env, make) => {
    const stack = make();
    const template = Template.fromStack(stack).toJSON();
    const withCdkNag = Object.keys(template.Resources).filter((id) => template.Resources[id].Metadata?.cdk_nag !== undefined);
    const expected = ACKNOWLEDGED(env);
    expect(withCdkNag.sort()).toEqual(Object.keys(expected).map((p) => stack.getLogicalId(resourceAt(stack, p))).sort());
    // no stack-wide acknowledgement, in either form
    expect(template.Metadata?.cdk_nag).toBeUndefined();
    const withAcknowledgements = stack.node.findAll()
      .filter((c) => c.node.metadata.some((e) => e.type === ACKNOWLEDGED_RULES_METADATA_TYPE))
      .map((c) => c.node.path.slice(stack.node.path.length + 1));
    expect(withAcknowledgements.sort()).toEqual(Object.keys(expected).sort());
  });

  test.each(stacks)('in %s, cdk-nag 2 and cdk-nag 3 read the same acknowledgements, each with a reason', (_, env, make) => {
    const stack = make();
    for (const [path, ids] of Object.entries(ACKNOWLEDGED(env))) {
      const resource = resourceAt(stack, path);
      expect(suppressedIds(resource).sort()).toEqual([...ids].sort());
      expect(acknowledgedIds(resource).sort()).toEqual([...ids].sort());
      // cdk-nag 3's ids are qualified as Validations.acknowledge() qualifies them (aws-cdk-lib 2.262.1+)
      const raw = resource.node.metadata.filter((e) => e.type === ACKNOWLEDGED_RULES_METADATA_TYPE).flatMap((e) => Object.keys(e.data));
      expect(raw.every((id) => id.startsWith('Annotation::'))).toBe(true);
      for (const rule of (resource.getMetadata('cdk_nag') as { rules_to_suppress: RuleSuppression[] }).rules_to_suppress) {
        expect(rule.reason.length).toBeGreaterThanOrEqual(100);
        expect(Object.keys(rule).sort()).toEqual(rule.applies_to ? ['applies_to', 'id', 'reason'] : ['id', 'reason']);
      }
    }
  });

  test.each(ENVIRONMENTS)('they are exact and needed (%s environment): without them, exactly those findings fire', (env, props) => {
    const stack = new Stack(nagApp(), 'Unacknowledged', props);
    new WebRtcIngestion(stack, 'Camera');
    for (const path of Object.keys(ACKNOWLEDGED(env))) {
      const resource = resourceAt(stack, path);
      delete (resource.cfnOptions.metadata as Record<string, unknown>).cdk_nag;
    }
    const fired = findingsByPath(stack);
    const expected = ACKNOWLEDGED(env);
    expect(Object.keys(fired).sort()).toEqual(Object.keys(expected).sort());
    for (const [path, ids] of Object.entries(expected)) {
      // the ids cdk-nag 3 is given are the findings cdk-nag computes, character for character
      expect([...fired[path]].sort()).toEqual([...ids].sort());
    }
  });

  test('cdk-nag 2 uses them: with logIgnores, each acknowledged finding is reported as suppressed', () => {
    const stack = new Stack(nagApp({ logIgnores: true }), 'Suppressed');
    new WebRtcIngestion(stack, 'Camera');
    const infos = Annotations.fromStack(stack)
      .findInfo('*', Match.stringLikeRegexp('CdkNagSuppression'))
      .map((m) => String(m.entry.data));
    expect(infos).toHaveLength(Object.values(ACKNOWLEDGED('agnostic')).flat().length);
    expect(infos.some((i) => i.includes('AwsSolutions-IAM5 was triggered but suppressed') && i.includes(CHANNEL_WILDCARD.agnostic))).toBe(true);
    expect(infos.some((i) => i.includes('AwsSolutions-IAM5 was triggered but suppressed') && i.includes(STREAM_WILDCARD.agnostic))).toBe(true);
  });

  test('the IAM5 acknowledgements are narrow: copied onto a role with other wildcards, they hide the channel and stream wildcards only', () => {
    const library = new Stack(new App(), 'Library');
    new WebRtcIngestion(library, 'Camera');
    const metadata = providerRoleResource(library).getMetadata('cdk_nag');

    const stack = new Stack(nagApp(), 'Copied');
    const role = new iam.Role(stack, 'Linker', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      inlinePolicies: {
        Wide: new iam.PolicyDocument({
          // [action, resource type, resource name]: one statement each.
          statements: ([
            ['kinesisvideo:UpdateMediaStorageConfiguration', 'channel', '*'],
            ['kinesisvideo:DescribeMappedResourceConfiguration', 'stream', '*'],
            ['kinesisvideo:DescribeStream', 'stream', 'shop-*'],
            ['kinesisvideo:*', 'channel', 'front-door/1'],
          ] as const).map(([action, resource, resourceName]) => new iam.PolicyStatement({
            actions: [action],
            resources: [stack.formatArn({ service: 'kinesisvideo', resource, resourceName })],
          })),
        }),
      },
    });
    (role.node.defaultChild as CfnResource).addMetadata('cdk_nag', metadata);

    const findings = findingsByPath(stack)['Linker/Resource'].filter((f) => f.startsWith('AwsSolutions-IAM5')).sort();
    expect(findings).toEqual([
      'AwsSolutions-IAM5[Action::kinesisvideo:*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kinesisvideo:<AWS::Region>:<AWS::AccountId>:stream/shop-*]',
    ]);
  });

  test('the IAM5 acknowledgements are needed: the same statements built by hand are flagged', () => {
    const stack = new Stack(nagApp(), 'ByHand');
    const ownStackOnly = { StringEquals: { 'aws:ResourceTag/cdk-kinesis-video-webrtc:stack-id': stack.stackId } };
    new iam.Role(stack, 'Linker', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      inlinePolicies: {
        MediaStorageLink: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({
            actions: ['kinesisvideo:DescribeMediaStorageConfiguration', 'kinesisvideo:UpdateMediaStorageConfiguration'],
            resources: [stack.formatArn({ service: 'kinesisvideo', resource: 'channel', resourceName: '*' })],
            conditions: ownStackOnly,
          }), new iam.PolicyStatement({
            actions: ['kinesisvideo:DescribeMappedResourceConfiguration'],
            resources: [stack.formatArn({ service: 'kinesisvideo', resource: 'stream', resourceName: '*' })],
            conditions: ownStackOnly,
          })],
        }),
      },
    });
    expect(findingsByPath(stack)['Linker/Resource']).toEqual(expect.arrayContaining([
      `AwsSolutions-IAM5[${CHANNEL_WILDCARD.agnostic}]`,
      `AwsSolutions-IAM5[${STREAM_WILDCARD.agnostic}]`,
    ]));
  });
});

describe('CameraFleet grants', () => {
  /**
   * A fleet's grants are tag-scoped wildcards on the grantee's policy, by design (their size does
   * not depend on the number of cameras). AwsSolutions-IAM5 reports exactly those resources, and
   * nothing else; the README tells users to suppress them, narrowly, on their own roles.
   */
  const FLEET_WILDCARDS = [
    'Resource::arn:<AWS::Partition>:kinesisvideo:eu-west-1:111111111111:channel/shop-*',
    'Resource::arn:<AWS::Partition>:kinesisvideo:eu-west-1:111111111111:stream/shop-*',
    'Resource::arn:<AWS::Partition>:kinesisvideo:eu-west-1:111111111111:channel/<credentials-iot:ThingName>/*', // cdk-nag writes the policy variable in angle brackets
    'Resource::arn:<AWS::Partition>:kinesisvideo:eu-west-1:111111111111:stream/<credentials-iot:ThingName>/*',
  ];

  function fleetStack(suppress: boolean): Stack {
    const stack = new Stack(nagApp(), 'Fleet', { env: { account: ACCOUNT, region: REGION } });
    const fleet = new CameraFleet(stack, 'Shop', {
      namePrefix: 'shop-',
      encryptionKey: new kms.Key(stack, 'FleetKey', { enableKeyRotation: true }),
    });
    fleet.addCamera('front-door');
    fleet.addCamera('till');
    const ops = new iam.Role(stack, 'Ops', { assumedBy: new iam.AccountRootPrincipal(), description: 'Operates the shop cameras' });
    const things = deviceRole(stack, 'Things');
    fleet.grantMaster(ops);
    fleet.grantViewer(ops);
    fleet.grantPlayback(ops);
    fleet.grantDeviceMaster(things);
    if (suppress) {
      for (const role of [ops, things]) {
        NagSuppressions.addResourceSuppressions(role, [{
          id: 'AwsSolutions-IAM5',
          reason: 'CameraFleet grants: the fleet\'s channels and streams by name prefix, limited to those tagged with the fleet id',
          appliesTo: FLEET_WILDCARDS,
        }], true);
      }
    }
    return stack;
  }

  test('the only findings are the tag-scoped fleet wildcards on the grantees\' policies', () => {
    const stack = fleetStack(false);
    const awsSolutions = (lines: string[]) => lines.filter((l) => l.includes(': AwsSolutions-'));
    const errors = awsSolutions(nagFindings(stack).errors);
    expect(awsSolutions(nagFindings(stack).warnings)).toEqual([]);
    // every error is an IAM5 finding on one of the fleet wildcards, and each wildcard is reported
    const findings = errors.map(e => /AwsSolutions-IAM5\[(.*?)\]: /.exec(e)?.[1] ?? e);
    expect([...new Set(findings)].sort()).toEqual([...FLEET_WILDCARDS].sort());
  });

  test('with the README\'s narrow suppression on the grantees, nothing remains', () => {
    expectNoFindings(fleetStack(true));
  });
});

/**
 * DeviceIdentity under cdk-nag 2's AwsSolutions, HIPAA Security, NIST 800-53 R5 and PCI DSS 3.2.1
 * packs: nothing is reported on its resources. The one finding its own resources carry by design
 * (AwsSolutions-IAM5 on the two tag-scoped, thing-named resources of the device-master grant) is
 * acknowledged on the policy that holds them, for exactly those two findings, in the forms of
 * cdk-nag 2 and cdk-nag 3.
 */
describe('DeviceIdentity', () => {

  function nagged(options: { env?: boolean; key?: boolean; cameras?: boolean } = {}) {
    const app = nagApp({ verbose: false });
    const stack = new Stack(app, 'Shop', options.env ? { env: { account: ACCOUNT, region: REGION } } : {});
    const encryptionKey = options.key ? new kms.Key(stack, 'FleetKey', { enableKeyRotation: true }) : undefined;
    const fleet = new CameraFleet(stack, 'Fleet', { namePrefix: 'shop-', encryptionKey });
    if (options.cameras) {
      fleet.addCamera('front-door');
    }
    const devices = new DeviceIdentity(stack, 'Devices', { fleet, roleAliasName: 'shop-cameras' });
    return { stack, devices };
  }

  test.each([
    ['environment-agnostic', {}],
    ['literal environment', { env: true }],
    ['environment-agnostic, fleet key', { key: true }],
    ['literal environment, fleet key', { env: true, key: true }],
  ])('%s: no finding of any pack on a stack with a fleet and its device identity', (_, options) => {
    expect(packFindings(nagged(options).stack)).toEqual([]);
  });

  test('with cameras, still no finding on the device identity\'s resources', () => {
    expect(packFindings(nagged({ cameras: true }).stack, 'Devices/')).toEqual([]);
  });

  test('the acknowledgement names exactly the two thing-named resources, for cdk-nag 2 and 3', () => {
    const { stack, devices } = nagged({ env: true });
    const policy = devices.node.findChild('DeviceMasterPolicy').node.defaultChild as CfnResource;
    const findingsOf = (type: string) => `Resource::arn:<AWS::Partition>:kinesisvideo:${REGION}:${ACCOUNT}:${type}/<credentials-iot:ThingName>/*`;
    const v2 = stack.resolve(policy.getMetadata('cdk_nag'));
    expect(v2.rules_to_suppress).toEqual([{
      id: 'AwsSolutions-IAM5',
      reason: expect.stringContaining('${credentials-iot:ThingName}'),
      applies_to: [findingsOf('channel'), findingsOf('stream')],
    }]);
    const v3 = policy.node.metadata.filter(m => m.type === 'aws:cdk:acknowledged-rules').map(m => Object.keys(m.data as object));
    expect(v3).toEqual([[
      `Annotation::AwsSolutions-IAM5[${findingsOf('channel')}]`,
      `Annotation::AwsSolutions-IAM5[${findingsOf('stream')}]`,
    ]]);
    // nothing else of the identity carries an acknowledgement
    expect(acknowledgedPaths(devices)).toEqual([policy.node.path]);
  });

  test('the acknowledgement is needed: without it, AwsSolutions-IAM5 reports those two resources', () => {
    const { stack, devices } = nagged({ env: true });
    const policy = devices.node.findChild('DeviceMasterPolicy').node.defaultChild as CfnResource;
    policy.addMetadata('cdk_nag', { rules_to_suppress: [] });
    const reported = packFindings(stack).map(f => /AwsSolutions-IAM5\[(.*?)\]/.exec(f)?.[1] ?? f);
    expect(reported.sort()).toEqual([
      `Resource::arn:<AWS::Partition>:kinesisvideo:${REGION}:${ACCOUNT}:channel/<credentials-iot:ThingName>/*`,
      `Resource::arn:<AWS::Partition>:kinesisvideo:${REGION}:${ACCOUNT}:stream/<credentials-iot:ThingName>/*`,
    ]);
  });

  test('in another stack than its fleet, still no finding of any pack on the identity', () => {
    const app = nagApp({ verbose: false });
    const env = { account: ACCOUNT, region: REGION };
    const cameras = new Stack(app, 'Cameras', { env });
    const fleet = new CameraFleet(cameras, 'Fleet', { namePrefix: 'shop-' });
    const identities = new Stack(app, 'Identities', { env });
    new DeviceIdentity(identities, 'Devices', { fleet });
    expect(packFindings(identities)).toEqual([]);
  });
});

/**
 * ViewerIdentity under cdk-nag 2's AwsSolutions, HIPAA Security, NIST 800-53 R5 and PCI DSS 3.2.1
 * packs: nothing is reported on its resources. The one finding its own resources carry by design
 * (AwsSolutions-IAM5 on the tag-scoped fleet resources of the access-group grants) is
 * acknowledged on the policy that holds them, for exactly those findings, in the forms of
 * cdk-nag 2 and cdk-nag 3; without the acknowledgement the rule reports exactly them.
 */
describe('ViewerIdentity', () => {

  function nagged(options: { env?: boolean; key?: boolean; grants?: Partial<ViewerIdentityProps> } = {}) {
    const app = nagApp({ verbose: false });
    const stack = new Stack(app, 'Homes', options.env ? { env: { account: ACCOUNT, region: REGION } } : {});
    // the user pool is the user's: imported, so that its own findings (MFA, password policy) stay out of the way
    const userPool = cognito.UserPool.fromUserPoolId(stack, 'Users', `${REGION}_AbCdEf123`);
    const userPoolClient = cognito.UserPoolClient.fromUserPoolClientId(stack, 'App', '1example23456789');
    const encryptionKey = options.key ? new kms.Key(stack, 'FleetKey', { enableKeyRotation: true }) : undefined;
    const fleet = new CameraFleet(stack, 'Fleet', { namePrefix: 'home-', encryptionKey });
    fleet.addCamera('smith-porch', { accessGroup: 'smith' });
    const viewers = new ViewerIdentity(stack, 'Viewers', { fleet, userPool, userPoolClient, ...options.grants });
    return { stack, viewers };
  }

  test.each([
    ['environment-agnostic', {}],
    ['literal environment', { env: true }],
    ['literal environment, fleet key', { env: true, key: true }],
    ['playback only', { grants: { allowLiveView: false } }],
    ['with master', { env: true, grants: { allowMaster: true } }],
  ])('%s: no finding of any pack on the viewer identity', (_, options) => {
    expect(packFindings(nagged(options).stack, 'Viewers/')).toEqual([]);
  });

  const findingOf = (type: string) => `Resource::arn:<AWS::Partition>:kinesisvideo:${REGION}:${ACCOUNT}:${type}/home-*`;

  test('the acknowledgement names exactly the fleet\'s tag-scoped channel and stream resources, for cdk-nag 2 and 3', () => {
    const { viewers, stack } = nagged({ env: true });
    const policy = viewers.node.findChild('AccessGroupPolicy').node.defaultChild as CfnResource;
    expect(stack.resolve(policy.getMetadata('cdk_nag')).rules_to_suppress).toEqual([{
      id: 'AwsSolutions-IAM5',
      reason: expect.stringContaining('${aws:PrincipalTag}'),
      applies_to: [findingOf('channel'), findingOf('stream')],
    }]);
    const v3 = policy.node.metadata.filter(m => m.type === 'aws:cdk:acknowledged-rules').map(m => Object.keys(m.data as object));
    expect(v3).toEqual([[`Annotation::AwsSolutions-IAM5[${findingOf('channel')}]`, `Annotation::AwsSolutions-IAM5[${findingOf('stream')}]`]]);
    // nothing else of the identity carries an acknowledgement, but the deploy-time guard's function (compliance packs only)
    const guard = acknowledgedPaths(viewers).filter((path) => path.startsWith(`${viewers.node.path}/UserPoolGuard/`));
    expect(acknowledgedPaths(viewers).filter((path) => !guard.includes(path))).toEqual([policy.node.path]);
    expect(JSON.stringify(guard.map((path) => stack.node.findAll().find((c) => c.node.path === path)!.node.metadata)))
      .not.toContain('AwsSolutions-');
  });

  test('the acknowledgement is needed: without it, AwsSolutions-IAM5 reports exactly those resources', () => {
    const { stack, viewers } = nagged({ env: true });
    const policy = viewers.node.findChild('AccessGroupPolicy').node.defaultChild as CfnResource;
    policy.addMetadata('cdk_nag', { rules_to_suppress: [] });
    const reported = packFindings(stack, 'Viewers/').map(f => /AwsSolutions-IAM5\[(.*?)\]/.exec(f)?.[1] ?? f);
    expect(reported.sort()).toEqual([findingOf('channel'), findingOf('stream')]);
  });

  test('playback only: the acknowledgement names the stream resource alone', () => {
    const { viewers, stack } = nagged({ env: true, grants: { allowLiveView: false } });
    const policy = viewers.node.findChild('AccessGroupPolicy').node.defaultChild as CfnResource;
    expect(stack.resolve(policy.getMetadata('cdk_nag')).rules_to_suppress[0].applies_to).toEqual([findingOf('stream')]);
  });

  test('the example ViewersStack: no finding of any pack anywhere in it', () => {
    const app = nagApp({ verbose: false });
    const stack = new ViewersStack(app, 'HomeViewersExample', {
      userPoolId: 'eu-west-1_AbCdEf123',
      userPoolClientId: '1example23456789',
      signInUrl: 'https://my-homes.auth.eu-west-1.amazoncognito.com',
    });
    expect(packFindings(stack)).toEqual([]);
  });

  test('in another stack than its fleet, still no finding of any pack on the identity', () => {
    const app = nagApp({ verbose: false });
    const env = { account: ACCOUNT, region: REGION };
    const cameras = new Stack(app, 'Cameras', { env });
    const fleet = new CameraFleet(cameras, 'Fleet', { namePrefix: 'home-' });
    fleet.addCamera('smith-porch', { accessGroup: 'smith' });
    const identities = new Stack(app, 'Identities', { env });
    new ViewerIdentity(identities, 'Viewers', {
      fleet,
      userPool: cognito.UserPool.fromUserPoolId(identities, 'Users', `${REGION}_AbCdEf123`),
      userPoolClient: cognito.UserPoolClient.fromUserPoolClientId(identities, 'App', '1example23456789'),
    });
    expect(packFindings(identities)).toEqual([]);
  });
});

/**
 * CameraOnboarding: nothing is reported on its resources; what it carries by design is
 * acknowledged, per finding, in the forms of cdk-nag 2 and cdk-nag 3.
 */
describe('CameraOnboarding', () => {
  function nagged(options: { env?: boolean; key?: boolean; registryEvents?: boolean } = {}): Stack {
    const stack = new Stack(nagApp({ verbose: false }), 'Shop', options.env ? { env: { account: ACCOUNT, region: REGION } } : {});
    const encryptionKey = options.key ? new kms.Key(stack, 'FleetKey', { enableKeyRotation: true }) : undefined;
    const fleet = new CameraFleet(stack, 'Fleet', { namePrefix: 'shop-', encryptionKey });
    fleet.addCamera('front-door');
    new CameraOnboarding(stack, 'Onboarding', { fleet, registryEvents: options.registryEvents });
    return stack;
  }

  test.each([
    ['environment-agnostic', {}],
    ['literal environment', { env: true }],
    ['literal environment, fleet key', { env: true, key: true }],
    ['without registry events', { registryEvents: false }],
  ])('%s: no finding of any pack', (_, options) => {
    expect(packFindings(nagged(options))).toEqual([]);
  });
});
