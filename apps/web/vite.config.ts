import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/** In dev, the API runs separately; production serves dist/ from the API itself. */
export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false } },
  },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
});
