import { portPosition } from '../../iot/geo.ts';
import { declarationsRepo, devicesRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { registerDevice } from '../iot/devices.ts';

/** The demo's sea offices, where containers come in. */
const SEA_OFFICES = ['NL000396', 'BE212000', 'DE004852'];

/**
 * Telemetry for the demo: an e-seal registered on the container of a few sea consignments, its key
 * kept here, and each consignment's route monitored, so that `portcullis iot simulate --consignment
 * ID` runs at once. Does nothing when devices are registered already.
 */
export async function seedIotDemo(app: AppContext, supervisor: string, count = 5): Promise<{ device: string; consignment: string }[]> {
  if ((await devicesRepo(app.store.db).list()).length > 0) return [];
  const out: { device: string; consignment: string }[] = [];
  for (const office of SEA_OFFICES) {
    for (const s of await declarationsRepo(app.store.db).newest(office, 200)) {
      if (out.length >= count) return out;
      const d = s.declaration;
      if (d.containers.length === 0 || d.portOfLoading === undefined || d.portOfDischarge === undefined) continue;
      if (portPosition(d.portOfLoading) === undefined || portPosition(d.portOfDischarge) === undefined || d.portOfLoading === d.portOfDischarge) continue;
      const device = `demo-seal-${out.length + 1}`;
      await registerDevice(app, supervisor, { id: device, consignment: d.id });
      out.push({ device, consignment: d.id });
    }
  }
  return out;
}
