import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createHashRouter, Navigate, RouterProvider } from 'react-router-dom';
import { SessionProvider, useSession } from './auth.tsx';
import { homeOf, Layout } from './layout.tsx';
import { AdminPage } from './pages/Admin.tsx';
import { DashboardPage } from './pages/Dashboard.tsx';
import { DeclarationPage } from './pages/Declaration.tsx';
import { Filings } from './pages/Filings.tsx';
import { LedgerPage } from './pages/Ledger.tsx';
import { MovementsPage } from './pages/Movements.tsx';
import { ModelsPage } from './pages/Models.tsx';
import { RulesPage } from './pages/Rules.tsx';
import { SignIn } from './pages/SignIn.tsx';
import { Worklist } from './pages/Worklist.tsx';
import './styles.css';

const queries = new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } });

function Home() {
  const { me } = useSession();
  return <Navigate to={homeOf(me?.roles ?? [])} replace />;
}

// Hash routes (#/worklist): the server serves one page, whatever the path.
const router = createHashRouter([
  {
    element: <Layout />,
    children: [
      { index: true, element: <Home /> },
      { path: 'worklist', element: <Worklist /> },
      { path: 'dashboard', element: <DashboardPage /> },
      { path: 'filings', element: <Filings /> },
      { path: 'movements', element: <MovementsPage /> },
      { path: 'declarations/:id', element: <DeclarationPage /> },
      { path: 'ledger', element: <LedgerPage /> },
      { path: 'rules', element: <RulesPage /> },
      { path: 'rules/:id', element: <RulesPage /> },
      { path: 'admin', element: <AdminPage /> },
      { path: 'admin/:tab', element: <AdminPage /> },
      { path: 'models', element: <ModelsPage /> },
      { path: 'models/:id', element: <ModelsPage /> },
      { path: '*', element: <Home /> },
    ],
  },
]);

/** Signed out: the sign-in form; signed in: the application. */
function App() {
  const { me } = useSession();
  return me === undefined ? <SignIn /> : <RouterProvider router={router} />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queries}>
      <SessionProvider>
        <App />
      </SessionProvider>
    </QueryClientProvider>
  </StrictMode>,
);
