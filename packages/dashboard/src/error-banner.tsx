export interface ErrorBannerProps {
  error: Error
  onRetry: () => void
}

/** Says what failed and what to do about it. */
export function ErrorBanner({ error, onRetry }: ErrorBannerProps) {
  return (
    <div className="error-banner" role="alert" data-testid="error-banner">
      <div>
        <strong>Could not load spendlens data.</strong> {error.message}
        <p className="muted">
          Check that the spendlens server is running (<code>npx spendlens serve</code>) and that this page was
          opened from the address it printed, then retry.
        </p>
      </div>
      <button type="button" className="button" onClick={onRetry}>
        Retry
      </button>
    </div>
  )
}
