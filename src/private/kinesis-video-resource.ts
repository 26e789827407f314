import { Resource } from 'aws-cdk-lib';
import { arnForGrants } from './permissions';
// A type only: validation.ts imports video-stream.ts, whose classes extend this one.
import type { KinesisVideoName } from './validation';

/**
 * What a signaling channel and a video stream share, made here or imported: the name a use
 * from another environment needs, and the ARN their grants name.
 * Not exported from the library: a hidden base class, whose members jsii copies onto
 * `SignalingChannel` and `VideoStream`.
 *
 * @internal
 */
export abstract class KinesisVideoResource extends Resource {
  /** The name given to a resource made here; an imported one's name is in its ARN. */
  private givenName?: KinesisVideoName;

  /**
   * Refuses a use from another environment without a name given (CDK would generate one,
   * which replaces the deployed resource). Called early by the grants, and by `Resource`.
   *
   * @internal
   */
  public _requireName(): void {
    this.givenName?.requireGiven();
  }

  /** @internal */
  public _enableCrossEnvironment(): void {
    this._requireName();
    super._enableCrossEnvironment();
  }

  /**
   * Keeps the name given to a resource made here, as its constructor checked it, for
   * `_requireName`.
   *
   * @internal
   */
  protected _keepName(name: KinesisVideoName): void {
    this.givenName = name;
  }

  /**
   * The ARN the grants of a resource made here name (`arnForGrants`), from its `Arn` attribute.
   *
   * @internal
   */
  protected _arnForGrants(type: 'channel' | 'stream', arnAttribute: string): string {
    return arnForGrants(type, arnAttribute, this.physicalName,
      (arn, components) => this.getResourceArnAttribute(arn, components));
  }
}
