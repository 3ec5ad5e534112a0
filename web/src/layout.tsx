import { NavLink, Outlet } from 'react-router-dom';
import { useSession } from './auth.tsx';
import type { Role } from './types.ts';

/** The pages, and who sees each in the navigation (the API refuses the rest anyway); `home`: whose page to land on, before the first one they see. */
export const PAGES: readonly { path: string; label: string; roles: readonly Role[]; home?: readonly Role[] }[] = [
  { path: '/worklist', label: 'Worklist', roles: ['analyst', 'supervisor', 'officer'] },
  // Supervisors watch the whole (rates against budgets, hit rates), analysts work the list.
  { path: '/dashboard', label: 'Dashboard', roles: ['analyst', 'supervisor', 'auditor'], home: ['supervisor'] },
  { path: '/filings', label: 'My filings', roles: ['trader'] },
  { path: '/movements', label: 'My movements', roles: ['carrier'] },
  { path: '/rules', label: 'Rules', roles: ['analyst', 'supervisor', 'auditor'] },
  // The administrator may list models (model.read) but evaluates none: the page is not theirs.
  { path: '/models', label: 'Models', roles: ['analyst', 'supervisor', 'auditor'] },
  // Before the ledger: it is the administrator's home (homeOf takes the first page a role may open); after the rules and models (the auditor lands on the dashboard).
  { path: '/admin', label: 'Administration', roles: ['admin', 'auditor'] },
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
  const mine = (rs: readonly Role[] | undefined) => rs?.some((r) => roles.includes(r)) === true;
  return (PAGES.find((p) => mine(p.home)) ?? PAGES.find((p) => mine(p.roles)))?.path ?? '/ledger';
}
