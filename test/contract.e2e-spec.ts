import { contractProblem } from './helpers/contract.js';

/** The contract check every e2e answer goes through (test/helpers/contract.ts) must catch what it is for. */
describe('contract check of answers', () => {
  const area = { id: '0b6d7a7e-8a55-4b43-9a51-3a0f7c1e9a10', name: 'Xã Y Tý', code: 'LC-YT', kind: 'commune', parentId: null, maxBroadcastMinutes: 45 };
  const json = 'application/json; charset=utf-8';

  it('passes a documented answer', () => {
    expect(contractProblem({ method: 'GET', url: `/api/v1/areas/${area.id}`, status: 200, contentType: json, body: area })).toBeNull();
    expect(contractProblem({ method: 'GET', url: '/api/v1/areas?limit=5', status: 200, contentType: json, body: { items: [area], total: 1 } })).toBeNull();
  });

  it('names the field of a body that differs from its schema', () => {
    expect(contractProblem({ method: 'GET', url: `/api/v1/areas/${area.id}`, status: 200, contentType: json, body: { ...area, parentId: 7 } })).toMatch(/\/parentId must be/);
    expect(contractProblem({ method: 'GET', url: `/api/v1/areas/${area.id}`, status: 200, contentType: json, body: { ...area, kind: 'village' } })).toMatch(/\/kind must be equal to one of the allowed values/);
  });

  it('refuses a date-time that is not RFC 3339 (a year past 9999)', () => {
    const schedule = { items: [{ startsAt: '+010000-01-01T00:00:00.000Z', endsAt: '2026-01-01T00:00:00.000Z' }] };
    expect(contractProblem({ method: 'GET', url: `/api/v1/schedules/${area.id}/occurrences`, status: 200, contentType: json, body: schedule })).toMatch(/\/items\/0\/startsAt must match format "date-time"/);
  });

  it('refuses an undocumented status, operation, media type, and any server error', () => {
    expect(contractProblem({ method: 'GET', url: `/api/v1/areas/${area.id}`, status: 418, contentType: json, body: {} })).toMatch(/status 418 is not documented for Areas_get/);
    expect(contractProblem({ method: 'PUT', url: `/api/v1/areas/${area.id}`, status: 200, contentType: json, body: {} })).toMatch(/no operation PUT .* is documented/);
    expect(contractProblem({ method: 'GET', url: `/api/v1/areas/${area.id}`, status: 200, contentType: 'text/html', body: '<p>' })).toMatch(/content-type text\/html/);
    expect(contractProblem({ method: 'GET', url: '/api/v1/areas', status: 500, contentType: json, body: { statusCode: 500, message: 'Internal server error' } })).toMatch(/a server error/);
  });

  it('takes the router\'s 404 for an unknown path in the shared error body, and leaves the console alone', () => {
    expect(contractProblem({ method: 'GET', url: '/api/v1/nothing-here', status: 404, contentType: json, body: { statusCode: 404, error: 'Not Found', message: 'Cannot GET /api/v1/nothing-here' } })).toBeNull();
    expect(contractProblem({ method: 'GET', url: '/schedules', status: 200, contentType: 'text/html', body: '<!doctype html>' })).toBeNull();
  });
});
