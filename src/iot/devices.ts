import { verifyDeviceSignature } from './event.ts';
import { deviceTopic, type DeviceEvent, type DeviceProgress, type DeviceRecord, type RejectionReason, type Verdict } from './types.ts';

export interface AuthenticationFacts {
  /** The device id of the topic the event came on (deviceIdFromTopic), undefined when it is not a device topic. */
  readonly topicDeviceId: string | undefined;
  /** The registered device of the event's deviceId, if any. */
  readonly device: DeviceRecord | undefined;
  /** The last event applied from that device, if any. */
  readonly progress: DeviceProgress | undefined;
  /** Whether this device's eventId was applied already. */
  readonly seen: boolean;
  /**
   * The public key (base64) the event's signature was verified with already, by whoever received
   * it (the service's receiver thread): the signature is verified here only when that is not the
   * registered key of the device.
   */
  readonly verifiedWith?: string | undefined;
}

/**
 * Whether a well-formed event may be applied. The checks run from the cheapest and least trusting
 * (where it came from, who claims to send it) to the signature, and only a signed event is judged
 * on its history: an unsigned replay is a forgery first.
 */
export function authenticateEvent(e: DeviceEvent, o: AuthenticationFacts): Verdict {
  const id = e.deviceId;
  if (o.topicDeviceId !== id) {
    const came = o.topicDeviceId === undefined ? 'on a topic that is not a device topic' : `on the topic of device ${o.topicDeviceId}`;
    return refuse('topic-mismatch', `An event of device ${id} came ${came}; expected it on ${deviceTopic(id)}.`);
  }
  // A record of another device is no record of this one: the caller looked up the wrong key.
  if (o.device === undefined || o.device.id !== id) {
    return refuse('unknown-device', `Device ${id} is not registered; expected a device registered before it publishes.`);
  }
  if (o.device.revokedAt !== null) {
    return refuse('revoked', `Device ${id} was revoked at ${o.device.revokedAt}; expected events only from devices that are not revoked.`);
  }
  if (o.verifiedWith !== o.device.publicKey && !verifyDeviceSignature(e, o.device.publicKey)) {
    return refuse('bad-signature', `The signature of event ${JSON.stringify(e.eventId)} of device ${id} does not hold; expected an Ed25519 signature by the device's registered key.`);
  }
  if (o.seen) {
    return refuse('replayed', `Event ${JSON.stringify(e.eventId)} of device ${id} was applied already; expected each event once.`);
  }
  if (o.progress !== undefined && e.seq <= o.progress.lastSeq) {
    return refuse('out-of-order', `Event ${JSON.stringify(e.eventId)} of device ${id} has seq ${e.seq}, not after the last applied seq ${o.progress.lastSeq}; expected a seq above ${o.progress.lastSeq}.`);
  }
  return ACCEPTED;
}

const ACCEPTED: Verdict = { ok: true };

function refuse(reason: RejectionReason, detail: string): Verdict {
  return { ok: false, reason, detail };
}
