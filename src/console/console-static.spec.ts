import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { acceptsHtml, cacheControl, defaultConsoleDir, isConsoleRoute, isServerPath } from './console-static.js';

describe('console static serving', () => {
  it('leaves the API, health, metrics and the queue dashboard to the server', () => {
    for (const path of ['/api', '/api/v1/segments', '/api/docs', '/health', '/metrics', '/admin/queues', '/admin/queues/api/queues']) {
      expect(isServerPath(path)).toBe(true);
      expect(isConsoleRoute(path)).toBe(false);
    }
  });

  it('answers the console routes with index.html, but not missing files', () => {
    for (const path of ['/', '/library', '/schedules', '/healthy', '/apis', '/broadcasts/2025']) expect(isConsoleRoute(path)).toBe(true);
    for (const path of ['/assets/index-abc123.js', '/favicon.svg', '/robots.txt']) expect(isConsoleRoute(path)).toBe(false);
  });

  it('answers browsers with the page, API clients with the 404', () => {
    for (const accept of [undefined, 'text/html,application/xhtml+xml,*/*;q=0.8', '*/*', 'text/*']) expect(acceptsHtml(accept)).toBe(true);
    for (const accept of ['application/json', 'audio/mpeg']) expect(acceptsHtml(accept)).toBe(false);
  });

  it('caches fingerprinted assets for good and revalidates the rest', () => {
    expect(cacheControl('/c', '/c/assets/index-abc123.js')).toContain('immutable');
    expect(cacheControl('/c', '/c/index.html')).toBe('no-cache');
    expect(cacheControl('/c', '/c/favicon.svg')).toBe('no-cache');
  });

  it('finds dist/console at the project root from src/ or dist/src/', () => {
    const root = join(import.meta.dirname, '..', '..');
    expect(defaultConsoleDir()).toBe(join(root, 'dist', 'console'));
    expect(existsSync(join(root, 'package.json'))).toBe(true);
  });
});
