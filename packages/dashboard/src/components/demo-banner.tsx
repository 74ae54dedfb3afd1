import { useState } from 'react'
import { deleteJson } from '../lib/api-client'

interface DemoBannerProps {
  /** An admin (or anyone on a server without keys) may remove the demo. */
  canDrop: boolean
  /** After the demo is gone: open the real events. */
  onDropped: () => void
}

/**
 * Says the figures are the demo's, and lets an admin remove it (DELETE /api/admin/demo, the same as
 * `spendlens demo drop`), after a second click to confirm.
 */
export function DemoBanner({ canDrop, onDropped }: DemoBannerProps) {
  const [step, setStep] = useState<'idle' | 'confirm' | 'dropping'>('idle')
  const [error, setError] = useState<string>()
  const drop = async () => {
    setStep('dropping')
    setError(undefined)
    try {
      await deleteJson('api/admin/demo')
      onDropped()
    } catch (failure) {
      setError((failure as Error).message)
      setStep('confirm')
    }
  }
  return (
    <div className="demo-banner" role="note" data-testid="demo-banner">
      <p>
        <strong>Demo data.</strong> These figures come from generated sample events, not from your
        application. Send real events with the SDK to see your own spend: the dashboard opens on them once the
        first one arrives.
      </p>
      {canDrop ? (
        <p className="demo-banner-actions">
          {step === 'idle' ? (
            <button
              type="button"
              className="link-button"
              data-testid="demo-drop"
              onClick={() => setStep('confirm')}
            >
              Remove the demo data
            </button>
          ) : (
            <>
              <span>Remove every demo event, its invoice, anomalies and budgets for good? </span>
              <button
                type="button"
                className="button"
                data-testid="demo-drop-confirm"
                disabled={step === 'dropping'}
                onClick={() => void drop()}
              >
                {step === 'dropping' ? 'Removing…' : 'Remove'}
              </button>{' '}
              <button
                type="button"
                className="link-button"
                disabled={step === 'dropping'}
                onClick={() => setStep('idle')}
              >
                Cancel
              </button>
            </>
          )}
          {error ? (
            <span className="demo-banner-error" role="alert">
              {` Could not remove it: ${error}`}
            </span>
          ) : null}
        </p>
      ) : null}
    </div>
  )
}
