import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app'
import './styles.css'

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root element')

const client = new QueryClient({
  defaultOptions: {
    queries: {
      // Figures change when events arrive, not when the tab regains focus: live mode is the switch.
      refetchOnWindowFocus: false,
      retry: 1,
      retryDelay: 500,
      staleTime: 0,
    },
  },
})

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={client}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
)
