import type { Labels } from '../../domain/declaration.ts';
import { historyRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import type { LabelledSource } from './train-model.ts';

/**
 * The store's declarations as labelled training data: where an officer recorded an inspection, its
 * result is the label (a finding other than "none" is illicit, a seizure critical, with the revenue
 * recovered); elsewhere the labels that history came with. Declarations with neither are left out,
 * as unlabelled rows are.
 */
export function storeLabelled(app: AppContext, period: { from?: string; to?: string } = {}): LabelledSource {
  // Filing times are stored as toISOString() writes them and compared as text: "…T02:00:00Z" sorts
  // after "…T02:00:00.000Z", which would leave out a filing at the period's very first instant.
  const at = (t: string | undefined, open: string) => (t === undefined || Number.isNaN(Date.parse(t)) ? (t ?? open) : new Date(t).toISOString());
  return {
    name: `store:${app.store.description}`,
    async each(visit) {
      let rows = 0;
      let rejected = 0;
      for await (const page of historyRepo(app.store.db).history({ from: at(period.from, '0000'), to: at(period.to, '9999') })) {
        for (const r of page) {
          rows += 1;
          const i = r.inspection;
          const labels: Labels = i !== undefined ? { illicit: i.finding !== 'none', critical: i.finding === 'seizure', revenueRecovered: i.revenueRecovered } : r.labels;
          if (labels.illicit === undefined) {
            rejected += 1;
            continue;
          }
          visit(r.declaration, labels);
        }
      }
      return { rows, rejected };
    },
  };
}
