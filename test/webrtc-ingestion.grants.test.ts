/**
 * Least-privilege proofs of WebRtcIngestion's grants: every grant, simulated with an IAM policy
 * simulator over every Kinesis Video and KMS action of the IAM catalogue and a set of resources
 * (the cameras' own, other cameras', foreign ones), must allow exactly the documented cells (the
 * specification of each grant is in ./expected-grants); then checked statement by statement
 * against the catalogue. The template-level assertions are in ./webrtc-ingestion.test.ts.
 */
import { INGESTION_GRANTS } from './expected-grants';
import { describeGrantCatalogue } from './util/grant-catalogue';
import { buildFixture as buildIngestionApp, CAMERAS, catalogueActions, CONSUMERS, Fixture, FLAG_SETS, GRANTED_ROLES, kinesisVideoResources as ingestionResources, kmsResources, RoleCase } from './util/ingestion-app';
import { expectedCells, readable } from './util/policy-simulation';

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

const ROLE_LABELS = GRANTED_ROLES.map(([stackName, id]) => `${stackName}/${id}`);

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

describeGrantCatalogue('WebRtcIngestion');
