/**
 * The IoT layer's shared shapes: what a device publishes, what the service knows of a device, and
 * what a consignment's monitors say. Pure data; the functions that work on it live beside it
 * (event.ts, devices.ts, geo.ts, monitors.ts, voyage.ts). Nothing here touches the network, a
 * database or a clock: the app layer (src/app/iot/) feeds events in and stores what comes out.
 */

/** Devices publish to `portcullis/v1/devices/{deviceId}/events`, QoS 1. */
export const DEVICE_TOPIC_PREFIX = 'portcullis/v1/devices/';
export const DEVICE_TOPIC_FILTER = 'portcullis/v1/devices/+/events';
export const deviceTopic = (deviceId: string): string => `${DEVICE_TOPIC_PREFIX}${deviceId}/events`;

/** DCSA Track & Trace codes a device may report: equipment events, and the vessel's transport events. */
export const DEVICE_EQUIPMENT_CODES = ['LOAD', 'DISC', 'GTIN', 'GTOT', 'STUF', 'STRP', 'INSP', 'RSEA'] as const;
export const DEVICE_TRANSPORT_CODES = ['ARRI', 'DEPA'] as const;
export type DeviceEventCode = (typeof DEVICE_EQUIPMENT_CODES)[number] | (typeof DEVICE_TRANSPORT_CODES)[number];

export type SealState = 'intact' | 'opened' | 'tampered';

/** An event as a device signs and publishes it (JSON). */
export interface UnsignedDeviceEvent {
  readonly v: 1;
  /** The device's id of the event: the same id again is the same event (applied once). 1–100 characters. */
  readonly eventId: string;
  /** 1–64 characters of [A-Za-z0-9._:-]; the same as in the topic. */
  readonly deviceId: string;
  /** The device's counter: an integer ≥ 0, strictly increasing from one event to the next. */
  readonly seq: number;
  /** ISO 6346 container number (normalised: 4 letters, 7 digits). */
  readonly container: string;
  /** ISO 8601 UTC, as the device states it. */
  readonly time: string;
  readonly eventCode?: DeviceEventCode;
  /** UN/LOCODE of the place, when the device knows it (at a port). */
  readonly location?: string;
  readonly position?: { readonly lat: number; readonly lon: number; /** metres */ readonly accuracy?: number };
  /** ISO 18185 e-seal: its state and number. */
  readonly seal?: { readonly state: SealState; readonly number: string };
  readonly door?: 'open' | 'closed';
  /** Peak acceleration, g. */
  readonly shock?: number;
  /** °C */
  readonly temperature?: number;
  /** Percent, 0–100. */
  readonly battery?: number;
}

export interface DeviceEvent extends UnsignedDeviceEvent {
  /** base64 of the device's Ed25519 signature over signedMessage(event without signature). */
  readonly signature: string;
}

/** A registered device: its public key, and the container it is fixed to when known. */
export interface DeviceRecord {
  readonly id: string;
  /** base64 of the raw 32-byte Ed25519 public key. */
  readonly publicKey: string;
  readonly container: string | null;
  readonly registeredBy: string;
  readonly registeredAt: string;
  readonly revokedAt: string | null;
}

/** The last event applied from a device. */
export interface DeviceProgress {
  readonly lastSeq: number;
  readonly lastTime: string;
}

/** Why a message was refused; each is counted, none is applied. */
export const REJECTION_REASONS = ['malformed', 'topic-mismatch', 'unknown-device', 'revoked', 'bad-signature', 'replayed', 'out-of-order'] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: RejectionReason; readonly detail: string };

/** A consignment's planned voyage, from its declaration: the ports in order (loading, any via, discharge). */
export interface MonitorPlan {
  /** The declaration id. */
  readonly consignment: string;
  readonly container: string;
  /** UN/LOCODEs, at least two, each with known coordinates (geo.ts). */
  readonly ports: readonly string[];
}

export interface MonitorConfig {
  /** Half-width of the corridor around the planned route, km (default 150). */
  readonly corridorKm: number;
  /** Within this of a port of the plan, a place is authorised (seal, door) and not "in transit" (default 30). */
  readonly portRadiusKm: number;
  /** Longest silence in transit before a signal-gap alert, minutes (default 360). */
  readonly signalGapMinutes: number;
  /** Longest stay within stopRadiusKm outside authorised places, minutes (default 720). */
  readonly stopMinutes: number;
  readonly stopRadiusKm: number;
  /** Two positions further apart than this speed allows are two places at once, km/h (default 120). */
  readonly maxSpeedKmh: number;
}

export const IOT_ALERT_CODES = ['corridor-exit', 'seal-opened', 'seal-changed', 'door-opened', 'signal-gap', 'unplanned-stop', 'two-places'] as const;
export type IotAlertCode = (typeof IOT_ALERT_CODES)[number];

export interface IotAlert {
  readonly code: IotAlertCode;
  readonly severity: 'warning' | 'critical';
  readonly consignment: string;
  readonly container: string;
  /** ISO 8601 UTC: the time of the event (or tick) that raised it. */
  readonly at: string;
  /** One sentence for an analyst, e.g. "container MSCU1234565 left the planned corridor 310 km from the route". */
  readonly message: string;
  /** JSON: the event ids, positions, distances behind it. */
  readonly detail: Readonly<Record<string, unknown>>;
}
