import { describe, expect, it } from 'vitest';
import { commitFileUrl } from './source-links';

const commit = '0123456789abcdef0123456789abcdef01234567';

describe('commitFileUrl', () => {
  it('links a GitHub https or ssh URL to the file at the commit', () => {
    expect(commitFileUrl({ url: 'https://github.com/acme/dags.git', path: 'dags' }, commit, 'etl.ts')).toBe(
      `https://github.com/acme/dags/blob/${commit}/dags/etl.ts`,
    );
    expect(commitFileUrl({ url: 'git@github.com:acme/dags.git', path: '' }, commit, 'etl.ts')).toBe(
      `https://github.com/acme/dags/blob/${commit}/etl.ts`,
    );
  });

  it('links a GitLab URL with its /-/blob/ path', () => {
    expect(commitFileUrl({ url: 'https://gitlab.example.com/data/dags', path: 'dags' }, commit, 'etl.ts')).toBe(
      `https://gitlab.example.com/data/dags/-/blob/${commit}/dags/etl.ts`,
    );
  });

  it('gives no link for a local repository, an unknown host or no commit', () => {
    expect(commitFileUrl({ url: 'file:///srv/dags.git', path: 'dags' }, commit, 'etl.ts')).toBeNull();
    expect(commitFileUrl({ url: 'https://git.example.com/dags.git', path: 'dags' }, commit, 'etl.ts')).toBeNull();
    expect(commitFileUrl({ url: 'https://github.com/acme/dags.git', path: 'dags' }, null, 'etl.ts')).toBeNull();
  });
});
