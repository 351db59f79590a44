import type { ReactNode } from 'react';

interface ErrorBannerProps {
  title: ReactNode;
  children?: ReactNode;
  tone?: 'error' | 'warning';
  testId?: string;
}

export function ErrorBanner({ title, children, tone = 'error', testId }: ErrorBannerProps) {
  return (
    <div className={`banner banner-${tone}`} role="alert" data-testid={testId}>
      <strong className="banner-title">{title}</strong>
      {children && <div className="banner-body">{children}</div>}
    </div>
  );
}
