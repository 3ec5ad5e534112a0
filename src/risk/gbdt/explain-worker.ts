import { parentPort, workerData } from 'node:worker_threads';
import { explain, topReasons } from './shap.ts';
import type { Booster } from './tree.ts';
import type { ExplainReply, ExplainRequest } from './explain-thread.ts';

/** One model's explanations, row by row, as the main thread asks for them (explain-thread.ts). */
const booster = (workerData as { booster: Booster }).booster;
parentPort!.on('message', (req: ExplainRequest) => {
  let reply: ExplainReply;
  try {
    const { values, rows, features, names, count } = req;
    const tops = [];
    for (let r = 0; r < rows; r++) {
      const at = r * features;
      tops.push(topReasons(explain(booster, (f) => values[at + f]!), names, count));
    }
    reply = { id: req.id, ok: true, tops };
  } catch (e) {
    reply = { id: req.id, ok: false, message: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(reply);
});
