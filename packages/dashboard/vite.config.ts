import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// The server serves ../server/dist/public at `/`. `base: './'` keeps asset URLs relative, so the
// dashboard also works when a reverse proxy mounts the server under a path prefix.
export default defineConfig({
  plugins: [react()],
  base: './',
  build: {
    outDir: '../server/dist/public',
    emptyOutDir: true,
    // ECharts (modular: seven chart and component types) is one cacheable ~210 kB gzip chunk.
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      output: {
        // Libraries in their own chunks: they change less often than the app, so browsers keep them cached.
        codeSplitting: {
          groups: [
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender)[\\/]/ },
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|@tanstack)[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    // `npm run dev -w @spendlens/dashboard` against a server started with `spendlens serve`.
    proxy: { '/api': 'http://localhost:4600' },
  },
})
