import { Link, NavLink, Route, Routes, useLocation } from 'react-router-dom';
import { HealthIndicator } from './components/HealthIndicator';
import { DagListPage } from './dags/DagListPage';
import { DagPage } from './dags/DagPage';
import { RunPage } from './runs/RunPage';
import { VariablesPage } from './variables/VariablesPage';
import { PoolsPage } from './pools/PoolsPage';
import { AssetsPage } from './assets/AssetsPage';
import { AssetPage } from './assets/AssetPage';
import { AuditPage } from './audit/AuditPage';
import { AccountNavLinks, UserMenu } from './auth/UserMenu';
import { TokensPage } from './tokens/TokensPage';
import { UsersPage } from './users/UsersPage';
import { DagCodePage } from './history/DagCodePage';
import { DagHistoryPage } from './history/DagHistoryPage';
import { RunsListPage } from './runs/RunsListPage';
import { TaskInstancesPage } from './task-instances/TaskInstancesPage';
import { Freshness } from './net/Freshness';
import { PrefsControls } from './prefs/PrefsControls';
import { Shortcuts } from './shortcuts/Shortcuts';

export function App() {
  const { pathname } = useLocation();
  return (
    <div className="app">
      <header className="topbar">
        <Link to="/" className="brand">
          <img src="/favicon.svg" alt="" width={22} height={22} />
          Sluice
        </Link>
        <nav className="topnav">
          {/* DAGs stays lit on DAG and run pages, which all live under it */}
          <NavLink
            to="/"
            className={({ isActive }) =>
              isActive &&
              !['/variables', '/pools', '/runs', '/task-instances', '/assets'].some((p) => pathname.startsWith(p))
                ? 'active'
                : ''
            }
          >
            DAGs
          </NavLink>
          <NavLink to="/runs">Runs</NavLink>
          <NavLink to="/task-instances">Task instances</NavLink>
          <NavLink to="/assets">Assets</NavLink>
          <NavLink to="/variables">Variables</NavLink>
          <NavLink to="/pools">Pools</NavLink>
          <AccountNavLinks />
        </nav>
        <HealthIndicator />
        <PrefsControls />
        <UserMenu />
      </header>
      <Shortcuts />
      <main className="main">
        <Freshness />
        <Routes>
          <Route path="/" element={<DagListPage />} />
          <Route path="/dags/:dagId" element={<DagPage />} />
          <Route path="/dags/:dagId/runs" element={<RunsListPage />} />
          <Route path="/dags/:dagId/runs/:runId" element={<RunPage />} />
          <Route path="/dags/:dagId/history" element={<DagHistoryPage />} />
          <Route path="/dags/:dagId/code" element={<DagCodePage />} />
          <Route path="/runs" element={<RunsListPage />} />
          <Route path="/task-instances" element={<TaskInstancesPage />} />
          <Route path="/assets" element={<AssetsPage />} />
          <Route path="/assets/:uri" element={<AssetPage />} />
          <Route path="/variables" element={<VariablesPage />} />
          <Route path="/pools" element={<PoolsPage />} />
          <Route path="/audit" element={<AuditPage />} />
          <Route path="/tokens" element={<TokensPage />} />
          <Route path="/users" element={<UsersPage />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </main>
    </div>
  );
}

function NotFound() {
  return (
    <div className="page">
      <h1>Page not found</h1>
      <p>
        <Link to="/">Back to the DAG list</Link>
      </p>
    </div>
  );
}
