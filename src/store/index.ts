export { openStore, DEFAULT_SQLITE_FILE, type StoreConfig } from './open.ts';
export type { StoreAdapter } from './store-adapter.ts';
export type { DeclarationSink, SinkOptions } from './declaration-sink.ts';
export type { DeclarationRecord, WriteStatus } from './declaration-rows.ts';
export { declarationsRepo, type DeclarationsRepo, type DeclarationFilter, type StoredDeclaration, type DeclarationStats } from './declarations-repo.ts';
export { partiesRepo, type PartiesRepo } from './parties-repo.ts';
export { ingestRunsRepo, type IngestRunsRepo, type IngestRunTotals } from './ingest-runs-repo.ts';
export { usersRepo, type UsersRepo, type StoredUser } from './users-repo.ts';
export { rulesRepo, type RulesRepo, type RuleTransition, type RuleListFilter } from './rules-repo.ts';
