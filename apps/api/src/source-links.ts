/**
 * Links to a DAG file at a commit, for a git DAG bundle hosted where the web
 * view of a file is known: GitHub (`/blob/<commit>/<path>`) and GitLab
 * (`/-/blob/<commit>/<path>`). Anything else gets no link.
 */
import type { DagBundleRow } from '@sluice/db';

/** `https://github.com/acme/dags.git` or `git@github.com:acme/dags.git` → `https://github.com/acme/dags`. */
function webBase(url: string): { base: string; host: string } | null {
  const ssh = /^git@([^:]+):(.+?)(?:\.git)?\/?$/.exec(url);
  if (ssh?.[1] && ssh[2]) return { base: `https://${ssh[1]}/${ssh[2]}`, host: ssh[1] };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  const path = parsed.pathname.replace(/\.git\/?$/, '').replace(/\/+$/, '');
  return { base: `${parsed.protocol}//${parsed.host}${path}`, host: parsed.hostname };
}

export function commitFileUrl(
  bundle: Pick<DagBundleRow, 'url' | 'path'> | undefined,
  commit: string | null,
  fileLoc: string,
): string | null {
  if (!bundle || !commit) return null;
  const web = webBase(bundle.url);
  if (!web) return null;
  const file = [bundle.path, fileLoc].filter((p) => p !== '').join('/');
  if (web.host === 'github.com') return `${web.base}/blob/${commit}/${file}`;
  if (web.host.includes('gitlab')) return `${web.base}/-/blob/${commit}/${file}`;
  return null;
}
