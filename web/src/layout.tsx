import { NavLink, Outlet } from 'react-router-dom';
import { useSession } from './auth.tsx';
import type { Role } from './types.ts';

/** The pages, and who sees each in the navigation (the API refuses the rest anyway). */
export const PAGES: readonly { path: string; label: string; roles: readonly Role[] }[] = [
  { path: '/worklist', label: 'Worklist', roles: ['analyst', 'supervisor', 'officer'] },
  { path: '/filings', label: 'My filings', roles: ['trader'] },
  { path: '/rules', label: 'Rules', roles: ['analyst', 'supervisor', 'auditor'] },
  // The administrator may list models (model.read) but evaluates none: the page is not theirs.
  { path: '/models', label: 'Models', roles: ['analyst', 'supervisor', 'auditor'] },
  { path: '/ledger', label: 'Ledger', roles: ['admin', 'analyst', 'supervisor', 'officer', 'trader', 'carrier', 'auditor'] },
];

/** The frame of every page after sign-in: what the user's roles may open, who is signed in, sign-out. */
export function Layout() {
  const { me, signOut, has } = useSession();
  return (
    <div className="app">
      <header>
        <span className="brand">Portcullis</span>
        <nav aria-label="Main">
          {PAGES.filter((p) => has(...p.roles)).map((p) => (
            <NavLink key={p.path} to={p.path}>
              {p.label}
            </NavLink>
          ))}
        </nav>
        <span className="who" aria-label="Signed in as">
          {me?.name} <span className="muted">({me?.roles.join(', ')})</span>
        </span>
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <Outlet />
    </div>
  );
}

/** Where a user lands after sign-in. */
export function homeOf(roles: readonly Role[]): string {
  return PAGES.find((p) => p.roles.some((r) => roles.includes(r)))?.path ?? '/ledger';
}
