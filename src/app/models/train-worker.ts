/**
 * A training thread: fits the trees on the matrices it was given, posting each round's report as
 * it goes and the result at the end (train-in-thread.ts starts it).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { trainBooster, type LabelledMatrix, type TrainParams } from '../../risk/gbdt/train.ts';

const { train, valid, params } = workerData as { train: LabelledMatrix; valid: LabelledMatrix | undefined; params: Partial<TrainParams> };
try {
  const result = trainBooster(train, valid, params, (round) => parentPort!.postMessage({ round }));
  parentPort!.postMessage({ result });
} catch (e) {
  parentPort!.postMessage({ error: e instanceof Error ? { name: e.name, message: e.message } : { name: 'Error', message: String(e) } });
}
