import { z } from 'zod';

/** The roles of the people and machines that use Portcullis (ARCHITECTURE.md, the service issue). */
export const Role = z.enum(['admin', 'analyst', 'supervisor', 'officer', 'trader', 'carrier', 'auditor', 'device']);
export type Role = z.infer<typeof Role>;

/**
 * Someone who acts: an analyst who writes rules, a supervisor who approves them, an officer who
 * records inspections. Credentials come with the service issue; here a user is who they are and
 * what roles they hold.
 */
export const User = z.object({
  id: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits and . _ @ - only'),
  name: z.string().trim().min(1).max(256),
  roles: z.array(Role).min(1),
  /** The trader or carrier a user of those roles acts for (a party id). */
  party: z.string().trim().min(1).max(64).optional(),
});
export type User = z.infer<typeof User>;

export const hasRole = (u: Pick<User, 'roles'>, r: Role): boolean => u.roles.includes(r);
