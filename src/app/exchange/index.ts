export type { ExchangeActor } from './actor.ts';
export { importExchange, EXCHANGE_FORMATS, type ExchangeFormat, type ImportOptions } from './import-exchange.ts';
export type { ImportReport, FiledMessage, RejectedMessage } from './import-declarations.ts';
export type { MovementImportReport, RecordedMessage } from './import-movements.ts';
export { exportCusres, type CusresQuery, type CusresExport } from './export-cusres.ts';
export type { DeclarationStatus } from './cusres.ts';
