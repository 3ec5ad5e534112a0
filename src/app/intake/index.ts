export { ingestFiles, type IngestOptions, type IngestProgress, type IngestSummary, type FileSummary } from './ingest.ts';
export { loadMapping, defaultRejectFile } from './load-mapping.ts';
export { parseMapping, type Mapping, type FieldSpec } from './mapping.ts';
export { compileRowConverter, type RowConverter, type FieldProblem } from './row-converter.ts';
export { previewMapping, type PreviewRow } from './preview.ts';
