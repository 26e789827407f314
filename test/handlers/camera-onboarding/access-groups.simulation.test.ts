/**
 * Access groups of run-time cameras, end to end (test/simulation/access-group-simulation.ts): the
 * shipped worker tags 150 cameras from their things' `accessGroup` attribute, follows a group that
 * changes and an attribute that is removed (with their registry events, and with the events lost:
 * one reconciliation), and never touches a stack camera's or another fleet's tags. Then the tags
 * the simulation ends with are given to IAM simulation of the synthesized ViewerIdentity policy:
 * each household's users reach all of their cameras (stack and run-time), none of another's, and
 * no camera without a group.
 *
 * Runs in `npx projen test:simulation`.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { CameraFleet, CameraOnboarding, ViewerIdentity } from '../../../src';
import {
  ACCESS_GROUP_THINGS, AccessGroupSimulationResult, finalGroup, GROUPS, initialGroup, MOVED, MOVED_SILENTLY, OTHER_FLEET_GROUP_CAMERA,
  REMOVED, REMOVED_SILENTLY, runAccessGroupSimulation, STACK_GROUP_CAMERAS, TaggedResource, WITHOUT,
} from '../../simulation/access-group-simulation';
import { ACCESS_GROUP_TAG_KEY, cameraName, FLEET_TAG } from '../../simulation/onboarding-simulation';
import { ACCOUNT, PolicySimulator, PrincipalRef, REGION } from '../../util/policy-simulation';
import { logicalIdOf } from '../../util/stacks';

const IDENTITY_POOL_ID = `${REGION}:0f0e0d0c-0b0a-4909-8807-060504030201`;
const names = Array.from({ length: ACCESS_GROUP_THINGS }, (_, i) => cameraName(i));
let result: AccessGroupSimulationResult;

beforeAll(async () => {
  result = await runAccessGroupSimulation();
}, 280_000);

test('no problem found (the queue drained, nothing dead-lettered)', () => {
  expect(result.problems).toEqual([]);
  expect(result.deadLetters).toBe(0);
});

test(`each of the ${ACCESS_GROUP_THINGS} cameras is tagged at creation with its thing's group; the one without has none`, () => {
  const expected = Object.fromEntries(names.map((name, i) => [name, initialGroup(i) ?? null]));
  expect(result.groupsAfter.register).toEqual(expected);
  expect(result.groupsAfter.register[WITHOUT]).toBeNull();
  // tagged in CreateSignalingChannel / CreateStream: no tag call was needed
  expect(result.tagCalls.register).toEqual({ distinct: [], count: 0 });
  // channel and stream agree, for every run-time camera
  for (const name of names) {
    const tagOf = (kind: string) => result.resources.find((r) => r.kind === kind && r.name === name)?.tags[ACCESS_GROUP_TAG_KEY];
    expect([name, tagOf('channel')]).toEqual([name, tagOf('stream')]);
  }
});

test('a registry update moves a camera to another household, or out of every group: channel and stream', () => {
  const after = result.groupsAfter.events;
  expect(after[MOVED]).toBe(finalGroup(MOVED));
  expect(after[MOVED]).not.toBe(result.groupsAfter.register[MOVED]);
  expect(after[REMOVED]).toBeNull();
  // the access-group key on both resources of each camera; a duplicated event may repeat a call (idempotent)
  expect(result.tagCalls.events.distinct).toEqual([`TagResource ${MOVED}`, `TagStream ${MOVED}`, `UntagResource ${REMOVED}`, `UntagStream ${REMOVED}`]);
  expect(result.tagCalls.events.count).toBeLessThanOrEqual(8);
  // nothing else changed
  const others = names.filter((n) => n !== MOVED && n !== REMOVED);
  expect(others.map((n) => after[n])).toEqual(others.map((n) => result.groupsAfter.register[n]));
});

test('with the registry events lost, one reconciliation re-tags (and re-tags nothing else)', () => {
  expect(result.groupsAfter.events[MOVED_SILENTLY]).toBe(initialGroup(4));
  expect(result.groupsAfter.reconciliation[MOVED_SILENTLY]).toBe(finalGroup(MOVED_SILENTLY));
  expect(result.groupsAfter.reconciliation[REMOVED_SILENTLY]).toBeNull();
  // the two changed things, and the two things refused at registration (named after a stack camera and
  // another fleet's): reconciliation tries REFUSED cameras again, and they are refused again, untouched
  expect(result.reconciliationEnqueued).toEqual([MOVED_SILENTLY, REMOVED_SILENTLY, 'shop-stack-smith', OTHER_FLEET_GROUP_CAMERA].sort());
  expect(result.tagCalls.reconciliation.distinct)
    .toEqual([`TagResource ${MOVED_SILENTLY}`, `TagStream ${MOVED_SILENTLY}`, `UntagResource ${REMOVED_SILENTLY}`, `UntagStream ${REMOVED_SILENTLY}`]);
  expect(Object.fromEntries(names.map((n) => [n, result.groupsAfter.reconciliation[n]])))
    .toEqual(Object.fromEntries(names.map((n) => [n, finalGroup(n) ?? null])));
});

test('no tag of a stack camera or of another fleet\'s camera changed, and no tag call was refused', () => {
  expect(result.foreignTagChanges).toEqual([]);
  expect(result.deniedTagCalls).toBe(0);
  for (const [name, group] of Object.entries(STACK_GROUP_CAMERAS)) {
    expect(result.resources.filter((r) => r.name === name).map((r) => r.tags[ACCESS_GROUP_TAG_KEY])).toEqual([group, group]);
  }
  expect(result.resources.filter((r) => r.name === OTHER_FLEET_GROUP_CAMERA).map((r) => r.tags[ACCESS_GROUP_TAG_KEY])).toEqual(['smith', 'smith']);
});

/**
 * The synthesized ViewerIdentity policy, simulated on the tags the simulation ended with. The
 * simulation's fleet ids stand for the synthesized fleets' (the worker got them from the construct).
 */
describe('ViewerIdentity\'s policy on the resulting tags, simulated', () => {
  function buildFixture() {
    const app = new App({ context: { ...CURRENTLY_RECOMMENDED_FLAGS } });
    const stack = new Stack(app, 'Shop', { env: { account: ACCOUNT, region: REGION } });
    const userPool = new cognito.UserPool(stack, 'Users', { customAttributes: { accessGroup: new cognito.StringAttribute({ mutable: true }) } });
    const userPoolClient = userPool.addClient('App', {
      readAttributes: new cognito.ClientAttributes().withCustomAttributes('accessGroup'),
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true }),
    });
    const fleet = new CameraFleet(stack, 'Fleet', { namePrefix: 'shop-' });
    for (const [name, group] of Object.entries(STACK_GROUP_CAMERAS)) {
      fleet.addCamera(name.slice('shop-'.length), { accessGroup: group });
    }
    const annex = new CameraFleet(stack, 'Annex', { namePrefix: 'shop-annex-' });
    new CameraOnboarding(stack, 'Onboarding', { fleet });
    const viewers = new ViewerIdentity(stack, 'Viewers', { fleet, userPool, userPoolClient });
    const template = Template.fromStack(stack).toJSON();
    const poolId = logicalIdOf(viewers.node.findChild('IdentityPool'));
    const resolved = JSON.parse(JSON.stringify(template).split(JSON.stringify({ Ref: poolId })).join(JSON.stringify(IDENTITY_POOL_ID)));
    const fleetIds: Record<string, string> = { [FLEET_TAG[1]]: fleet.fleetId, 'Shop/annex': annex.fleetId };
    return {
      sim: new PolicySimulator([{ stackName: 'Shop', template: resolved }]),
      user: { stackName: 'Shop', logicalId: logicalIdOf(viewers.role) } as PrincipalRef,
      /** A simulated resource in the synthesized account, with the synthesized fleets' ids. */
      context: (r: TaggedResource) => Object.fromEntries(Object.entries(r.tags)
        .map(([k, v]) => [`aws:ResourceTag/${k}`, k === FLEET_TAG[0] ? fleetIds[v] ?? v : v])),
    };
  }
  const f = buildFixture();
  const arnOf = (r: TaggedResource) => r.arn.replace(':123456789012:', `:${ACCOUNT}:`);

  /** The cameras a user of `group` may watch live (ConnectAsViewer) and play back (GetHLSStreamingSessionURL). */
  async function reachable(group: string | undefined): Promise<{ live: string[]; playback: string[] }> {
    const session: Record<string, string> = group === undefined ? {} : { [`aws:PrincipalTag/${ACCESS_GROUP_TAG_KEY}`]: group };
    const live: string[] = [];
    const playback: string[] = [];
    for (const r of result.resources) {
      const action = r.kind === 'channel' ? 'kinesisvideo:ConnectAsViewer' : 'kinesisvideo:GetHLSStreamingSessionURL';
      const request = { principal: f.user, action, resource: arnOf(r), context: { ...f.context(r), ...session } };
      const decision = await f.sim.evaluate(request, { strictContext: false });
      if (decision.allowed) {
        (r.kind === 'channel' ? live : playback).push(r.name);
      }
    }
    return { live: live.sort(), playback: playback.sort() };
  }

  test.each(GROUPS)('household %s: all of its cameras, stack and run-time, and nothing else', async (group) => {
    const runTime = names.filter((n) => finalGroup(n) === group);
    const stackCameras = Object.entries(STACK_GROUP_CAMERAS).filter(([, g]) => g === group).map(([n]) => n);
    const expected = [...runTime, ...stackCameras].sort();
    expect(runTime.length).toBeGreaterThanOrEqual(48);
    const found = await reachable(group);
    expect(found.live).toEqual(expected);
    expect(found.playback).toEqual(expected);
  });

  test('the camera without a group, and the one whose attribute was removed, are nobody\'s', async () => {
    for (const group of [...GROUPS, undefined]) {
      const found = await reachable(group);
      for (const name of [WITHOUT, REMOVED, REMOVED_SILENTLY, OTHER_FLEET_GROUP_CAMERA]) {
        expect([group, name, found.live.includes(name) || found.playback.includes(name)]).toEqual([group, name, false]);
      }
    }
  });

  test('a user without a group reaches nothing', async () => {
    expect(await reachable(undefined)).toEqual({ live: [], playback: [] });
  });
});
