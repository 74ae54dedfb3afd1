import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { shouldRetry } from './lib/api-client'
import { SessionGate } from './session-gate'
import './styles.css'

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root element')

const client = new QueryClient({
  defaultOptions: {
    queries: {
      // Figures change when events arrive, not when the tab regains focus: live mode is the switch.
      refetchOnWindowFocus: false,
      // Once, and never after a refusal (a 401 goes straight to the sign-in screen).
      retry: shouldRetry,
      retryDelay: 500,
      staleTime: 0,
    },
  },
})

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={client}>
      <SessionGate />
    </QueryClientProvider>
  </StrictMode>,
)
