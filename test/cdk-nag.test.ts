/**
 * cdk-nag's AwsSolutions pack finds nothing in the example stack, nor in a stack that uses
 * every feature of the library (environment-agnostic or with a literal environment).
 *
 * The library suppresses exactly one finding, AwsSolutions-IAM5 on the `channel/*` resource of
 * the link provider's role (a tag condition scopes it): these tests also prove that the
 * suppression sits on that one resource only, is narrow (that resource pattern only), and is
 * needed (the check fires without it).
 */
import { App, Aspects, CfnResource, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SynthesisMessage } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks, NagSuppressions } from 'cdk-nag';
import { CameraStack } from '../example/camera-stack';
import { CameraFleet, MediaStorageLink, SignalingChannel, VideoStream, WebRtcIngestion } from '../src';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const IMPORTED_CHANNEL_ARN = `arn:aws:kinesisvideo:${REGION}:${ACCOUNT}:channel/garage.side_door-1/1700000000000`;
const IMPORTED_STREAM_ARN = `arn:aws:kinesisvideo:${REGION}:${ACCOUNT}:stream/garage.side_door-1/1700000000001`;
const IMPORTED_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/12345678-1234-1234-1234-123456789012`;

/** The one rule the library suppresses, on the one resource it suppresses it on. */
const SUPPRESSED_RULE = 'AwsSolutions-IAM5';
const PROVIDER_ROLE_PATH = 'KinesisVideoMediaStorageLinkProvider/Role/Resource';

// ---------------------------------------------------------------------------------------------
// helpers

/** An app checked by cdk-nag's AwsSolutions pack. */
function nagApp(props: { logIgnores?: boolean } = {}): App {
  const app = new App();
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true, ...props }));
  return app;
}

/** The AwsSolutions errors and warnings on a stack, as readable lines. */
function nagFindings(stack: Stack): { errors: string[]; warnings: string[] } {
  const annotations = Annotations.fromStack(stack);
  const format = (m: SynthesisMessage) => `${m.id}: ${String(m.entry.data).split('\n')[0]}`;
  return {
    errors: annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')).map(format),
    warnings: annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')).map(format),
  };
}

/** Asserts no AwsSolutions error or warning, printing the findings if there are any. */
function expectNoFindings(stack: Stack): void {
  const { errors, warnings } = nagFindings(stack);
  expect({ errors, warnings }).toEqual({ errors: [], warnings: [] });
}

/** The CloudFormation resource of the link provider's role. */
function providerRoleResource(stack: Stack): CfnResource {
  const found = stack.node.findAll().filter((c) => CfnResource.isCfnResource(c) && c.node.path.endsWith(PROVIDER_ROLE_PATH));
  expect(found).toHaveLength(1);
  return found[0] as CfnResource;
}

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
    runtime: lambda.Runtime.NODEJS_24_X,
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

  // WebRtcIngestion.fromAttributes, with and without a key
  const garage = WebRtcIngestion.fromAttributes(stack, 'Garage', {
    channelArn: IMPORTED_CHANNEL_ARN,
    streamArn: IMPORTED_STREAM_ARN,
    encryptionKey: kms.Key.fromKeyArn(stack, 'GarageKey', IMPORTED_KEY_ARN),
  });
  garage.grantMaster(deviceRole(stack, 'GarageCameraRole'));
  garage.grantViewer(worker);
  garage.grantPlayback(viewer);
  const shed = WebRtcIngestion.fromAttributes(stack, 'Shed', {
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

describe('AwsSolutions finds nothing', () => {
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
    const { errors } = nagFindings(stack);
    expect(errors.join('\n')).toMatch(/Careless.*AwsSolutions-IAM5/);
    expect(errors.every((e) => e.includes('Careless'))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// the one suppression

interface RuleSuppression {
  readonly id: string;
  readonly reason: string;
  readonly applies_to?: Array<string | { regex: string }>;
}

/** The cdk_nag suppressions of every resource of the template, by logical id. */
function suppressionsByResource(template: any): Record<string, RuleSuppression[]> {
  const result: Record<string, RuleSuppression[]> = {};
  for (const [logicalId, resource] of Object.entries<any>(template.Resources ?? {})) {
    if (resource.Metadata?.cdk_nag !== undefined) {
      result[logicalId] = resource.Metadata.cdk_nag.rules_to_suppress ?? [];
    }
  }
  return result;
}

/** cdk-nag's reading of an `applies_to` regex, '/body/flags'. */
function toRegExp(s: string): RegExp {
  const m = /^\/(.*)\/([a-z]*)$/.exec(s);
  expect(m).not.toBeNull();
  return new RegExp(m![1], m![2]);
}

describe('the library suppresses AwsSolutions-IAM5 on the provider role channel/* only', () => {
  const stacks: Array<[string, () => Stack]> = [
    ['the example stack', () => new CameraStack(new App(), 'WebRtcIngestionExample')],
    ['the every-feature stack', () => {
      const stack = new Stack(new App(), 'EveryFeature');
      buildEveryFeatureStack(stack);
      return stack;
    }],
    ['the every-feature stack with a literal environment', () => {
      const stack = new Stack(new App(), 'EveryFeature', { env: { account: ACCOUNT, region: REGION } });
      buildEveryFeatureStack(stack);
      return stack;
    }],
  ];

  test.each(stacks)('in %s, one resource carries cdk_nag metadata: the provider role', (_, make) => {
    const stack = make();
    const template = Template.fromStack(stack).toJSON();
    const suppressions = suppressionsByResource(template);

    expect(Object.keys(suppressions)).toEqual([stack.getLogicalId(providerRoleResource(stack))]);
    expect(template.Resources[Object.keys(suppressions)[0]].Type).toBe('AWS::IAM::Role');
    // no stack-wide suppression
    expect(template.Metadata?.cdk_nag).toBeUndefined();
    expect(stack.templateOptions.metadata?.cdk_nag).toBeUndefined();
  });

  test.each(stacks)('in %s, the suppression is one rule, with a reason, for the channel wildcard only', (_, make) => {
    const stack = make();
    const [rules] = Object.values(suppressionsByResource(Template.fromStack(stack).toJSON()));

    expect(rules).toHaveLength(1);
    const [rule] = rules;
    expect(rule.id).toBe(SUPPRESSED_RULE);
    expect(rule.reason.length).toBeGreaterThanOrEqual(10);
    // granular: a suppression without applies_to would cover every IAM5 finding of the role
    expect(Array.isArray(rule.applies_to)).toBe(true);
    expect(rule.applies_to!.length).toBeGreaterThan(0);
    expect(Object.keys(rule).sort()).toEqual(['applies_to', 'id', 'reason']);
  });

  describe('the applies_to patterns match the channel wildcard finding and nothing else', () => {
    function patterns(): Array<(finding: string) => boolean> {
      const stack = new Stack(new App(), 'Patterns');
      new WebRtcIngestion(stack, 'Camera');
      const [[rule]] = Object.values(suppressionsByResource(Template.fromStack(stack).toJSON()));
      return rule.applies_to!.map((a) => typeof a === 'string' ? (f: string) => f === a : (f: string) => toRegExp(a.regex).test(f));
    }
    const applies = (finding: string) => patterns().some((p) => p(finding));

    test.each([
      'Resource::arn:<AWS::Partition>:kinesisvideo:<AWS::Region>:<AWS::AccountId>:channel/*',
      `Resource::arn:<AWS::Partition>:kinesisvideo:${REGION}:${ACCOUNT}:channel/*`,
      `Resource::arn:aws:kinesisvideo:${REGION}:${ACCOUNT}:channel/*`,
    ])('matches %s', (finding) => {
      expect(applies(finding)).toBe(true);
    });

    test.each([
      'Resource::*',
      'Resource::arn:<AWS::Partition>:kinesisvideo:<AWS::Region>:<AWS::AccountId>:*',
      'Resource::arn:<AWS::Partition>:kinesisvideo:<AWS::Region>:<AWS::AccountId>:stream/*',
      'Resource::arn:<AWS::Partition>:kinesisvideo:<AWS::Region>:<AWS::AccountId>:channel/front*',
      'Resource::arn:<AWS::Partition>:kinesisvideo:<AWS::Region>:<AWS::AccountId>:channel/*/*',
      'Resource::arn:<AWS::Partition>:kinesisvideo:<AWS::Region>:*:channel/*',
      'Resource::arn:<AWS::Partition>:kinesis:<AWS::Region>:<AWS::AccountId>:channel/*',
      'Resource::<KinesisVideoMediaStorageLinkProviderLogGroup591A1001.Arn>:*',
      'Action::kinesisvideo:*',
      'Action::*',
    ])('does not match %s', (finding) => {
      expect(applies(finding)).toBe(false);
    });

    // A wildcard partition or region is another resource pattern: the suppression must not hide it.
    test.each([
      'Resource::arn:<AWS::Partition>:kinesisvideo:*:<AWS::AccountId>:channel/*',
      `Resource::arn:*:kinesisvideo:${REGION}:${ACCOUNT}:channel/*`,
      `Resource::arn:aws:kinesisvideo:eu-*:${ACCOUNT}:channel/*`,
    ])('does not match %s', (finding) => {
      expect(applies(finding)).toBe(false);
    });
  });

  test('cdk-nag uses it: the suppressed finding is the channel wildcard of the provider role', () => {
    const stack = new Stack(nagApp({ logIgnores: true }), 'Suppressed');
    new WebRtcIngestion(stack, 'Camera');
    const infos = Annotations.fromStack(stack)
      .findInfo('*', Match.stringLikeRegexp('CdkNagSuppression'))
      .map((m) => `${m.id}: ${String(m.entry.data)}`);
    expect(infos).toHaveLength(1);
    expect(infos[0]).toContain(`/Suppressed/${PROVIDER_ROLE_PATH}`);
    expect(infos[0]).toContain(`${SUPPRESSED_RULE} was triggered but suppressed`);
    expect(infos[0]).toContain('Resource::arn:<AWS::Partition>:kinesisvideo:<AWS::Region>:<AWS::AccountId>:channel/*');
  });

  test.each<[string, StackProps]>([
    ['environment-agnostic', {}],
    ['with a literal environment', { env: { account: ACCOUNT, region: REGION } }],
  ])('it is needed: without the metadata, IAM5 fires on the provider role channel/* (%s)', (_, props) => {
    const stack = new Stack(nagApp(), 'Unsuppressed', props);
    new WebRtcIngestion(stack, 'Camera');
    const role = providerRoleResource(stack);
    expect(role.getMetadata('cdk_nag')).toBeDefined();
    delete (role.cfnOptions.metadata as Record<string, unknown>).cdk_nag;

    const { errors, warnings } = nagFindings(stack);
    expect(warnings).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`/Unsuppressed/${PROVIDER_ROLE_PATH}`);
    expect(errors[0]).toMatch(/AwsSolutions-IAM5\[Resource::arn:[^\]]*:kinesisvideo:[^\]]*:channel\/\*\]/);
  });

  test('it is needed: the same statement built by hand is flagged', () => {
    const stack = new Stack(nagApp(), 'ByHand');
    new iam.Role(stack, 'Linker', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      inlinePolicies: {
        MediaStorageLink: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({
            actions: ['kinesisvideo:UpdateMediaStorageConfiguration'],
            resources: [stack.formatArn({ service: 'kinesisvideo', resource: 'channel', resourceName: '*' })],
            conditions: { StringEquals: { 'aws:ResourceTag/cdk-kinesis-video-webrtc:stack-id': stack.stackId } },
          })],
        }),
      },
    });
    const { errors } = nagFindings(stack);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kinesisvideo:<AWS::Region>:<AWS::AccountId>:channel/*]');
  });

  test('it is narrow: copied onto a role with other wildcards, it hides the channel wildcard only', () => {
    const library = new Stack(new App(), 'Library');
    new WebRtcIngestion(library, 'Camera');
    const metadata = providerRoleResource(library).getMetadata('cdk_nag');

    const stack = new Stack(nagApp(), 'Copied');
    const role = new iam.Role(stack, 'Linker', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      inlinePolicies: {
        Wide: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              actions: ['kinesisvideo:UpdateMediaStorageConfiguration'],
              resources: [stack.formatArn({ service: 'kinesisvideo', resource: 'channel', resourceName: '*' })],
            }),
            new iam.PolicyStatement({
              actions: ['kinesisvideo:DescribeStream'],
              resources: [stack.formatArn({ service: 'kinesisvideo', resource: 'stream', resourceName: '*' })],
            }),
            new iam.PolicyStatement({
              actions: ['kinesisvideo:*'],
              resources: [stack.formatArn({ service: 'kinesisvideo', resource: 'channel', resourceName: 'front-door/1' })],
            }),
          ],
        }),
      },
    });
    (role.node.defaultChild as CfnResource).addMetadata('cdk_nag', metadata);

    const { errors } = nagFindings(stack);
    const findings = errors.map((e) => /AwsSolutions-IAM5\[([^\]]*)\]/.exec(e)?.[1]).sort();
    expect(findings).toEqual([
      'Action::kinesisvideo:*',
      'Resource::arn:<AWS::Partition>:kinesisvideo:<AWS::Region>:<AWS::AccountId>:stream/*',
    ]);
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
    const { errors, warnings } = nagFindings(stack);
    expect(warnings).toEqual([]);
    // every error is an IAM5 finding on one of the fleet wildcards, and each wildcard is reported
    const findings = errors.map(e => /AwsSolutions-IAM5\[(.*?)\]: /.exec(e)?.[1] ?? e);
    expect([...new Set(findings)].sort()).toEqual([...FLEET_WILDCARDS].sort());
  });

  test('with the README\'s narrow suppression on the grantees, nothing remains', () => {
    expectNoFindings(fleetStack(true));
  });
});
