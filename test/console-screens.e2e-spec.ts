/// <reference lib="dom" />
import { jest } from '@jest/globals';
import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from './helpers/app.js';
import { DESKTOP, launchBrowser, PHONE, type TestBrowser } from './helpers/browser.js';
import { areaTree, auth, createSpeaker, USER_PASSWORD } from './helpers/fixtures.js';
import { createReadySegment } from './helpers/segments.js';
import { waitUntil } from './helpers/waiting.js';

jest.setTimeout(120_000);

const VN = 'Asia/Ho_Chi_Minh';
const PASSWORD = USER_PASSWORD;
const RECEIVERS = 30;

/**
 * The console's screens tell the truth and add up, in the operator's language: a broadcast whose
 * audio ended is not "on air"; report parts add up to the receivers targeted; words, not codes;
 * no past "planned" slots; receivers paged in natural order; dd/mm/yyyy and a 24-hour clock even
 * in a browser set to US English. SQLite only, like the console journey.
 */
describe('console screens', () => {
  let t: TestApp;
  let tree: Awaited<ReturnType<typeof areaTree>>;
  let browser: TestBrowser;
  let page: Page;
  let emergency: { id: string; startsAt: string; endsAt: string };
  let firstToken: string;

  beforeAll(async () => {
    t = await startTestApp();
    tree = await areaTree(t);
    const clip = await createReadySegment(t, { areaId: tree.districtA.id, durationSec: 7, topic: 'social-insurance', title: 'Nhắc đóng BHXH' });
    for (let i = RECEIVERS; i >= 1; i--) {
      const speaker = await createSpeaker(t, tree.staffA.token, tree.communeA.id, `Cụm loa thôn ${i}`);
      if (i === 1) firstToken = speaker.deviceToken;
    }
    // A daily schedule made today: last week's occurrences never aired.
    const schedule = await t.http.post('/api/v1/schedules').set(auth(tree.operatorA.token))
      .send({ communeId: tree.communeA.id, title: 'Bản tin sáng', segmentIds: [clip.id], cron: '5 0 * * *' });
    expect(schedule.status).toBe(201);
    const sent = await t.http.post('/api/v1/broadcasts/emergency').set(auth(tree.staffA.token)).send({ areaId: tree.communeA.id, segmentIds: [clip.id], title: 'Cảnh báo lũ' });
    expect(sent.status).toBe(201);
    emergency = sent.body;
    await waitUntil(async () => (await t.http.get(`/api/v1/broadcasts/${emergency.id}`).set(auth(tree.staffA.token))).body.status, (s) => s === 'on_air', 20_000, 'the emergency on air');
    // One receiver played it (and is online); the other 29 have not reported.
    const receipt = await t.http.post('/api/v1/device/receipts').set(auth(firstToken)).send({ receipts: [{ broadcastId: emergency.id, status: 'played', startedAt: emergency.startsAt }] });
    expect(receipt.body).toEqual({ accepted: 1, duplicates: 0 });
    expect((await t.http.get('/api/v1/device/queue').set(auth(firstToken))).status).toBe(200);
    // The browser speaks US English in UTC: the console must not follow it.
    browser = await launchBrowser('console-screens', { baseURL: t.url, timezoneId: 'UTC', locale: 'en-US' });
    page = browser.page;
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function signIn(username: string) {
    await page.goto('/');
    if (await page.getByRole('button', { name: 'Đăng xuất' }).isVisible()) await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
  }
  const goTo = (item: string) => page.getByRole('navigation', { name: 'Menu chính' }).getByRole('link', { name: item }).click();

  it('shows a broadcast whose audio has ended as waiting for receipts, not on air, while the API keeps on_air', async () => {
    await signIn(tree.staffA.username);
    await waitUntil(async () => Date.now(), (now) => now > Date.parse(emergency.endsAt) + 500, 20_000, 'the audio to end');
    await goTo('Nhật ký phát');
    const row = page.locator(`tr[data-broadcast-id="${emergency.id}"]`);
    await row.waitFor();
    await row.getByText('Chờ báo nhận').waitFor();
    await expect(row.textContent()).resolves.not.toContain('Đang phát');
    const ended = DateTime.fromISO(emergency.endsAt).setZone(VN).toFormat('HH:mm');
    await expect(row.textContent()).resolves.toContain(`Đã phát xong lúc ${ended}`);
    expect((await t.http.get(`/api/v1/broadcasts/${emergency.id}`).set(auth(tree.staffA.token))).body.status).toBe('on_air');
    // Dates typed and shown day first, times on a 24-hour clock, in a browser set to en-US.
    const from = page.getByLabel('Từ ngày');
    expect(await from.inputValue()).toMatch(/^\d\d\/\d\d\/\d{4}$/);
    await from.fill('12/31/2026');
    await expect(from.getAttribute('aria-invalid')).resolves.toBe('true');
    await from.fill(DateTime.now().setZone(VN).minus({ days: 1 }).toFormat('dd/LL/yyyy'));
    await expect(from.getAttribute('aria-invalid')).resolves.toBe('false');
    await expect(row.textContent()).resolves.not.toMatch(/AM|PM|SA|CH/);
    await browser.screenshot('01-broadcast-waiting-for-receipts');
  });

  it('reports parts that add up to the receivers targeted, a bar with each part, topics in words and airtime defined', async () => {
    await signIn(tree.auditor.username);
    await page.getByLabel('Thống kê theo').selectOption('topic');
    const row = page.locator('table.report tbody tr[data-key="social-insurance"]');
    await row.waitFor();
    await expect(row.locator('th').textContent()).resolves.toBe('Bảo hiểm xã hội');
    const cells = await row.locator('td').allInnerTexts();
    const [broadcasts, targeted, played, failed, missed, pending] = cells.slice(0, 6).map(Number);
    expect({ broadcasts, targeted, played, failed, missed, pending }).toEqual({ broadcasts: 1, targeted: RECEIVERS, played: 1, failed: 0, missed: 0, pending: RECEIVERS - 1 });
    await page.getByRole('columnheader', { name: 'Thời lượng bản tin (không gồm nghỉ)' }).waitFor();
    // The bar: played and pending parts drawn, scaled to the receivers targeted.
    const widths = await page.locator('figure.chart svg g').first().locator('rect').evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('width'))));
    expect(widths).toHaveLength(4);
    expect(widths[0]).toBeGreaterThan(0);
    expect(widths[3]).toBeCloseTo(widths[0] * (RECEIVERS - 1), 5);
    await page.locator('.chart-value', { hasText: `1/${RECEIVERS}` }).waitFor();
    await browser.screenshot('02-report-by-topic');
    await page.getByLabel('Thống kê theo').selectOption('day');
    await page.getByRole('columnheader', { name: 'Thời lượng phát (gồm nghỉ giữa lượt)' }).waitFor();
  });

  it('names audit actions and resources in words, keeping the code beside them', async () => {
    await page.getByRole('navigation', { name: 'Menu chính' }).getByRole('link', { name: 'Nhật ký hệ thống' }).click();
    const row = page.locator('table.audit tbody tr', { hasText: 'speaker.create' }).first();
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('Đăng ký cụm loa');
    await expect(row.textContent()).resolves.toContain('Cụm loa');
    await browser.screenshot('03-audit-words');
  });

  it('shows no planned slots in the past, and a 7-second broadcast by its length', async () => {
    await signIn(tree.operatorA.username);
    await page.getByRole('heading', { name: 'Lịch phát', exact: true }).waitFor();
    const entry = page.locator('.entry', { hasText: 'Cảnh báo lũ' });
    await entry.waitFor();
    const startsAt = DateTime.fromISO(emergency.startsAt).setZone(VN).toFormat('HH:mm');
    await expect(entry.locator('.entry-time').textContent()).resolves.toBe(`${startsAt} · 7 giây`);
    await expect(entry.getAttribute('data-status')).resolves.toBe('awaiting_receipts');
    // Next week has the daily bulletin every day. Looked at first: on a Sunday after 00:05 this week has no
    // coming occurrence left, and the planned slots come in only once the schedules have loaded.
    await page.getByRole('button', { name: /Tuần sau/ }).click();
    await waitUntil(() => page.locator('.entry', { hasText: 'Bản tin sáng' }).count(), (count) => count === 7, 15_000, "next week's seven bulletins");
    // This week: each day after today has the daily bulletin, no day before today has a planned one.
    await page.getByRole('button', { name: /Tuần này/ }).click();
    await entry.waitFor();
    const now = DateTime.now().setZone(VN);
    const today = now.toISODate()!;
    const daysAfterToday = 7 - now.weekday;
    const bulletinDays = await page.locator('.entry', { hasText: 'Bản tin sáng' }).evaluateAll((els) => els.map((el) => el.closest('.day')!.getAttribute('data-day')!));
    expect(bulletinDays.filter((day) => day > today)).toHaveLength(daysAfterToday);
    const planned = await page.locator('.entry[data-status="planned"]').evaluateAll((els) => els.map((el) => el.closest('.day')!.getAttribute('data-day')!));
    expect(planned.filter((day) => day < today)).toEqual([]);
    await browser.screenshot('04-calendar-week');
    await page.getByRole('button', { name: /Tuần trước/ }).click();
    await page.locator(`.day[data-day="${DateTime.now().setZone(VN).minus({ days: 7 }).toISODate()}"]`).waitFor();
    await expect(page.locator('.entry', { hasText: 'Bản tin sáng' }).count()).resolves.toBe(0);
  });

  it('starts the week today on a phone', async () => {
    await page.setViewportSize(PHONE);
    await page.reload();
    const first = page.locator('.week .day').first();
    await first.waitFor();
    await expect(first.getAttribute('data-day')).resolves.toBe(DateTime.now().setZone(VN).toISODate());
    await browser.screenshot('05-phone-calendar');
    await page.setViewportSize(DESKTOP);
  });

  it('pages receivers in natural order and filters them by name and online status', async () => {
    await signIn(tree.staffA.username);
    await goTo('Cụm loa');
    await page.getByText(`${RECEIVERS} cụm loa, 1 đang trực tuyến`).waitFor();
    const names = () => page.locator('table tbody tr td:first-child').allInnerTexts();
    // The count line can change before the rows do: read the rows until they show the new page.
    const rowsAre = (expected: string[]) => waitUntil(names, (rows) => JSON.stringify(rows) === JSON.stringify(expected), 10_000, `rows ${JSON.stringify(expected)}`);
    await rowsAre(Array.from({ length: 25 }, (_, i) => `Cụm loa thôn ${i + 1}`));
    await browser.screenshot('06-receivers-page-1');
    await page.getByRole('button', { name: /Sau/ }).click();
    await page.getByText(`26–${RECEIVERS} / ${RECEIVERS}`).waitFor();
    await rowsAre(Array.from({ length: RECEIVERS - 25 }, (_, i) => `Cụm loa thôn ${i + 26}`));
    await page.getByLabel('Tìm cụm loa').fill('thôn 2');
    await page.getByText('11 cụm loa, 0 đang trực tuyến').waitFor();
    await rowsAre(['Cụm loa thôn 2', ...Array.from({ length: 10 }, (_, i) => `Cụm loa thôn ${i + 20}`)]);
    await page.getByLabel('Tìm cụm loa').fill('');
    await page.getByLabel('Trạng thái').selectOption('true');
    await page.getByText('1 cụm loa phù hợp').waitFor();
    await rowsAre(['Cụm loa thôn 1']);
    await page.setViewportSize(PHONE);
    await browser.screenshot('07-phone-receivers-online');
    await page.setViewportSize(DESKTOP);
  });

  it('keeps dd/mm/yyyy and the 24-hour clock in English too', async () => {
    await page.locator('.account').getByLabel('Ngôn ngữ').selectOption('en');
    await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Broadcast log' }).click();
    const row = page.locator(`tr[data-broadcast-id="${emergency.id}"]`);
    await row.getByText('Waiting for receipts').waitFor();
    expect(await page.getByLabel('From').inputValue()).toMatch(/^\d\d\/\d\d\/\d{4}$/);
    const startsAt = DateTime.fromISO(emergency.startsAt).setZone(VN);
    await expect(row.textContent()).resolves.toContain(`${startsAt.toFormat('dd/LL/yyyy')}, ${startsAt.toFormat('HH:mm')}`);
    await browser.screenshot('08-english-broadcast-log');
  });
});
