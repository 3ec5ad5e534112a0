import type { Command } from 'commander';

/**
 * The subcommands, each in commands/, one file each, loaded only when needed: a command loads its
 * own modules and no other's (train need not load the database drivers, whose hundreds of modules
 * take a second to start through the TypeScript loader). Help and unknown commands load them all.
 */
export const COMMANDS: Record<string, () => Promise<(program: Command) => void>> = {
  start: async () => (await import('./commands/start.ts')).startCommand,
  serve: async () => (await import('./commands/serve.ts')).serveCommand,
  ingest: async () => (await import('./commands/ingest.ts')).ingestCommand,
  generate: async () => (await import('./commands/generate.ts')).generateCommand,
  mapping: async () => (await import('./commands/mapping.ts')).mappingCommand,
  declarations: async () => (await import('./commands/declarations.ts')).declarationsCommand,
  migrate: async () => (await import('./commands/migrate.ts')).migrateCommand,
  training: async () => (await import('./commands/models.ts')).modelsCommands,
  models: async () => (await import('./commands/registry.ts')).registryCommand,
  users: async () => {
    const [{ usersCommand }, { usersPasswdCommand }] = await Promise.all([import('./commands/users.ts'), import('./commands/users-passwd.ts')]);
    return (program) => {
      usersCommand(program);
      usersPasswdCommand(program);
    };
  },
  'api-keys': async () => (await import('./commands/api-keys.ts')).apiKeysCommand,
  rules: async () => (await import('./commands/rules.ts')).rulesCommand,
  budgets: async () => (await import('./commands/budgets.ts')).budgetsCommand,
  decide: async () => (await import('./commands/decide.ts')).decideCommands,
  inspections: async () => (await import('./commands/inspections.ts')).inspectionsCommand,
  effectiveness: async () => (await import('./commands/effectiveness.ts')).effectivenessCommands,
  simulate: async () => (await import('./commands/simulate.ts')).simulateCommand,
  alerts: async () => (await import('./commands/alerts.ts')).alertsCommand,
  ledger: async () => (await import('./commands/ledger.ts')).ledgerCommand,
  witness: async () => (await import('./commands/witness.ts')).witnessCommand,
  'risk-alerts': async () => (await import('./commands/risk-alerts.ts')).riskAlertsCommand,
  exchange: async () => (await import('./commands/exchange.ts')).exchangeCommand,
  movements: async () => (await import('./commands/movements.ts')).movementsCommands,
  keys: async () => (await import('./commands/keys.ts')).keysCommand,
  iot: async () => (await import('./commands/iot.ts')).iotCommand,
  'security-audit': async () => (await import('./commands/security-audit.ts')).securityAuditCommand,
};
/** Subcommands registered by a module under another name. */
const MODULE_OF: Record<string, string> = {
  train: 'training',
  evaluate: 'training',
  score: 'training',
  decisions: 'decide',
  drift: 'effectiveness',
  telemetry: 'movements',
  discrepancies: 'movements',
  stats: 'declarations',
};

/** The entry of COMMANDS that registers the top-level command `name`; undefined for none (help, an unknown command). */
export function moduleOf(name: string): string | undefined {
  return Object.hasOwn(MODULE_OF, name) ? MODULE_OF[name] : Object.hasOwn(COMMANDS, name) ? name : undefined;
}
