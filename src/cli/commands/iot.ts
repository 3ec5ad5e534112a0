import type { Command } from 'commander';
import { listDevices, registerDevice, revokeDevice } from '../../app/iot/devices.ts';
import { iotStats, trackOf } from '../../app/iot/queries.ts';
import { SCENARIOS, simulateConsignment, type Scenario } from '../../app/iot/simulate.ts';
import { PortcullisError } from '../../domain/errors.ts';
import { actorOf, AS_OPTION } from '../options.ts';
import { runAction } from '../output.ts';
import { fmt, progressLine } from '../progress.ts';
import { withApp } from '../with-app.ts';

/** The broker the simulator publishes to: MQTT_URL's, else the embedded broker's default address. */
const defaultBroker = (): string => process.env.MQTT_URL?.trim() || 'mqtt://127.0.0.1:1883';

export function iotCommand(program: Command): void {
  const cmd = program.command('iot').description('container telemetry: devices, their events, and a voyage simulator');
  const devices = cmd.command('devices').description('e-seals and trackers: register, list, revoke');
  devices
    .command('register')
    .description('register a device for a container (and the consignment whose route it watches); without --public-key a key pair is made and its private half kept in the keys directory')
    .argument('<id>', 'device id: 1 to 64 of A–Z a–z 0–9 . _ : -')
    .option('--container <number>', 'ISO 6346 container number')
    .option('--consignment <declaration>', "the declaration whose route the device's container follows (its monitor is set up)")
    .option('--public-key <base64>', "the device's Ed25519 public key, base64 of 32 bytes")
    .option(...AS_OPTION)
    .option('--json', 'print one JSON object', false)
    .action((id: string, o: { container?: string; consignment?: string; publicKey?: string; as?: string; json: boolean }) =>
      runAction(o.json, (out) =>
        withApp(async (app) => {
          const r = await registerDevice(app, actorOf(o), { id, ...(o.container ? { container: o.container } : {}), ...(o.consignment ? { consignment: o.consignment } : {}), ...(o.publicKey ? { publicKey: o.publicKey } : {}) });
          out.result(r, [`device ${r.device.id} registered${r.device.container ? ` for container ${r.device.container}` : ''}${r.consignment ? `, watching the route of ${r.consignment}` : ''}`, ...(r.keyFile ? [`private key kept in ${r.keyFile}`] : [])]);
        }),
      ),
    );
  devices
    .command('list')
    .option('--container <number>', 'only the devices of this container')
    .option('--json', 'print one JSON object', false)
    .action((o: { container?: string; json: boolean }) =>
      runAction(o.json, (out) =>
        withApp(async (app) => {
          const list = await listDevices(app, o.container ? { container: o.container } : {});
          out.result({ devices: list }, list.length === 0 ? ['no devices'] : list.map((d) => `${d.id}  ${d.container ?? '-'}  registered ${d.registeredAt} by ${d.registeredBy}${d.revokedAt ? `  REVOKED ${d.revokedAt}` : ''}`));
        }),
      ),
    );
  devices
    .command('revoke')
    .argument('<id>', 'device id')
    .option(...AS_OPTION)
    .option('--json', 'print one JSON object', false)
    .action((id: string, o: { as?: string; json: boolean }) =>
      runAction(o.json, (out) =>
        withApp(async (app) => {
          const d = await revokeDevice(app, actorOf(o), id);
          out.result({ device: d }, [`device ${d.id} revoked at ${d.revokedAt}: its events are refused from now on`]);
        }),
      ),
    );

  cmd
    .command('simulate')
    .description("publish a realistic voyage of a consignment's container to the broker, signed with its device's key")
    .requiredOption('--consignment <declaration>', 'the declaration (its device registered with --consignment)')
    .option('--scenario <name>', SCENARIOS.join(' | '), 'normal')
    .option('--speed <n>', 'simulated seconds per real second (600: an hour of voyage in 6 s)', '600')
    .option('--device <id>', 'the device (the first of the container with a key kept here)')
    .option('--broker <url>', 'the broker (MQTT_URL, else mqtt://127.0.0.1:1883, the embedded one)')
    .option('--seed <n>', 'the voyage\'s seed', '1')
    .option('--json', 'print one JSON object', false)
    .action((o: { consignment: string; scenario: string; speed: string; device?: string; broker?: string; seed: string; json: boolean }) =>
      runAction(o.json, (out) => {
        const speed = o.speed === 'max' ? Infinity : Number(o.speed);
        if (!(speed > 0)) throw new PortcullisError('INVALID_INPUT', `--speed ${o.speed} is not a speed-up`, [{ field: 'speed', problem: o.speed, expected: 'a number above 0, or max' }]);
        if (!(SCENARIOS as readonly string[]).includes(o.scenario)) throw new PortcullisError('INVALID_INPUT', `--scenario ${o.scenario} is not one`, [{ field: 'scenario', problem: o.scenario, expected: SCENARIOS.join(', ') }]);
        return withApp(async (app) => {
          const progress = progressLine();
          const r = await simulateConsignment(app, {
            consignment: o.consignment,
            scenario: o.scenario as Scenario,
            speed,
            brokerUrl: o.broker ?? defaultBroker(),
            seed: Number(o.seed),
            ...(o.device ? { device: o.device } : {}),
            onEvent: (n, total) => progress.update(`published ${fmt(n)} of ${fmt(total)} events`),
          });
          progress.done();
          out.result(r, [`published ${fmt(r.published)} events of device ${r.device}: ${r.plan.ports.join(' → ')} (${o.scenario})`]);
        });
      }),
    );

  cmd
    .command('track')
    .description("a consignment's track: its container's events, in time order")
    .argument('<consignment>', 'declaration id')
    .option('--json', 'print one JSON object', false)
    .action((consignment: string, o: { json: boolean }) =>
      runAction(o.json, (out) =>
        withApp(async (app) => {
          const t = await trackOf(app, consignment);
          out.result(t, [`${consignment}: container ${t.container}, ${t.ports.join(' → ')}, ${fmt(t.events.length)} events`, ...t.events.slice(-20).map((e) => `${e.event.time}  ${e.event.deviceId}  ${e.event.eventCode ?? ''} ${e.event.position ? `${e.event.position.lat.toFixed(3)},${e.event.position.lon.toFixed(3)}` : ''} ${e.event.seal ? `seal ${e.event.seal.number} ${e.event.seal.state}` : ''} ${e.event.door ? `door ${e.event.door}` : ''}`)]);
        }),
      ),
    );

  cmd
    .command('stats')
    .description('events applied and messages refused, by reason')
    .option('--json', 'print one JSON object', false)
    .action((o: { json: boolean }) =>
      runAction(o.json, (out) =>
        withApp(async (app) => {
          const s = await iotStats(app);
          out.result(s, [`${fmt(s.events)} events applied, ${fmt(s.inbox)} waiting in the inbox`, ...Object.entries(s.rejected).map(([r, n]) => `refused, ${r}: ${fmt(n)}`)]);
        }),
      ),
    );
}
