/// <reference lib="dom" />
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from './helpers/app.js';
import { makeSpeechLike } from './helpers/audio.js';
import { DESKTOP, launchBrowser, PHONE, type TestBrowser } from './helpers/browser.js';
import { areaTree, auth, createSpeaker, USER_PASSWORD } from './helpers/fixtures.js';
import { SseClient } from './helpers/sse.js';

jest.setTimeout(120_000);

const VN = 'Asia/Ho_Chi_Minh';
const PASSWORD = USER_PASSWORD;
const CLIP_TITLE = 'Thông báo đóng BHXH tự nguyện năm 2025';
const SCHEDULE_TITLE = 'Bản tin BHXH buổi sáng';

/**
 * The web console in a real Chromium against the real app (API, queue workers, ffmpeg): the
 * journey of district staff, a commune operator and an auditor. The console is the same over
 * either database, so this suite runs in the SQLite project only.
 */
describe('web console', () => {
  let t: TestApp;
  let tree: Awaited<ReturnType<typeof areaTree>>;
  let browser: TestBrowser;
  let page: Page;
  let speakerTokens: string[];
  let clipId: string;
  let scheduleAt: DateTime;

  beforeAll(async () => {
    t = await startTestApp();
    tree = await areaTree(t);
    speakerTokens = [];
    for (const name of ['Cụm loa thôn Phìn Hồ', 'Cụm loa thôn Nhìu Cồ San']) speakerTokens.push((await createSpeaker(t, tree.staffA.token, tree.communeA.id, name)).deviceToken);
    // The browser runs in UTC on purpose: the console must show Vietnam's wall-clock times anyway.
    browser = await launchBrowser('console', { baseURL: t.url, timezoneId: 'UTC', locale: 'vi-VN' });
    page = browser.page;
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function signIn(username: string, password = PASSWORD) {
    await page.goto('/');
    if (await page.getByRole('button', { name: 'Đăng xuất' }).isVisible()) await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
  }

  const menu = () => page.getByRole('navigation', { name: 'Menu chính' }).getByRole('link').allInnerTexts();
  const goTo = (item: string) => page.getByRole('navigation', { name: 'Menu chính' }).getByRole('link', { name: item }).click();

  it('serves the console at / and for its own paths, without shadowing the API, /health, /metrics or /admin/queues', async () => {
    const index = await t.http.get('/').set('Accept', 'text/html');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toMatch(/text\/html/);
    expect(index.text).toContain('<div id="app">');
    expect(index.headers['cache-control']).toBe('no-cache');

    const deepLink = await t.http.get('/schedules').set('Accept', 'text/html');
    expect(deepLink.status).toBe(200);
    expect(deepLink.text).toBe(index.text);

    const script = /src="(\/assets\/[^"]+\.js)"/.exec(index.text)![1];
    const asset = await t.http.get(script);
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toContain('immutable');

    const unknownApi = await t.http.get('/api/v1/no-such-thing').set('Accept', 'text/html');
    expect(unknownApi.status).toBe(404);
    expect(unknownApi.headers['content-type']).toMatch(/json/);
    const health = await t.http.get('/health').set('Accept', 'text/html');
    expect(health.headers['content-type']).toMatch(/json/);
    const metrics = await t.http.get('/metrics').set('Accept', 'text/html');
    expect(metrics.text).not.toContain('<div id="app">');
    const queues = await t.http.get('/admin/queues').set('Accept', 'text/html');
    expect(queues.status).toBe(401);
    const missingAsset = await t.http.get('/assets/nope.js').set('Accept', '*/*');
    expect(missingAsset.text).not.toContain('<div id="app">');
  });

  it('signs district staff in (after a wrong password) and shows only what their role may do', async () => {
    await page.goto('/');
    await page.getByLabel('Tên đăng nhập').fill(tree.staffA.username);
    await page.getByLabel('Mật khẩu').fill('wrong-password');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Sai tên đăng nhập hoặc mật khẩu');
    await browser.screenshot('01-login');

    await page.getByLabel('Mật khẩu').fill(PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('heading', { name: 'Thư viện âm thanh', exact: true }).waitFor();
    expect(await menu()).toEqual(['Thư viện âm thanh', 'Soạn bản tin', 'Cụm loa', 'Lịch phát', 'Nhật ký phát', 'Báo cáo', 'Phát khẩn cấp', 'Cảnh báo']);
    expect(page.url()).toBe(`${t.url}/library`);
  });

  it('uploads a clip with a progress bar and shows it processing, then ready with duration and loudness', async () => {
    const dir = join(t.dir, 'fixtures');
    await mkdir(dir, { recursive: true });
    const clip = join(dir, 'bhxh-tu-nguyen.wav');
    await makeSpeechLike(clip, { seconds: 20, lufs: -23, format: 'wav' }); // ~1.9 MB: the upload reports progress

    // The progress bar may live for a few milliseconds on loopback: record that it appeared.
    await page.evaluate(() => {
      const w = window as unknown as { sawProgress: boolean };
      w.sawProgress = false;
      new MutationObserver(() => (w.sawProgress ||= !!document.querySelector('progress#upload-progress'))).observe(document.body, { subtree: true, childList: true });
    });
    const form = page.locator('form.upload');
    await form.getByLabel('Tệp âm thanh').setInputFiles(clip);
    await form.getByLabel('Tiêu đề').fill(CLIP_TITLE);
    await form.getByLabel('Chủ đề').fill('social-insurance');
    await form.getByLabel('Ngôn ngữ').selectOption('vi');
    await form.getByRole('button', { name: 'Tải lên', exact: true }).click();
    await page.getByText(`Đã tải lên «${CLIP_TITLE}»`).waitFor();
    expect(await page.evaluate(() => (window as unknown as { sawProgress: boolean }).sawProgress)).toBe(true);

    const row = page.locator('tr', { hasText: CLIP_TITLE });
    clipId = (await row.getAttribute('data-segment-id'))!;
    expect(clipId).toMatch(/^[0-9a-f-]{36}$/);
    await row.getByText('Sẵn sàng').waitFor({ timeout: 90_000 });
    await expect(row.textContent()).resolves.toMatch(/0:20/);
    await expect(row.textContent()).resolves.toMatch(/-2[2-4]\.\d LUFS/);
    await expect(row.textContent()).resolves.toContain('Chờ duyệt');
    await browser.screenshot('02-library-ready');

    // The same file again: refused as a duplicate, and the existing clip is pointed out.
    await form.getByLabel('Tệp âm thanh').setInputFiles(clip);
    await form.getByLabel('Tiêu đề').fill('Bản trùng');
    await form.getByRole('button', { name: 'Tải lên', exact: true }).click();
    await form.getByRole('alert').getByText('Tệp này đã có trong thư viện').waitFor();
    await expect(row.getAttribute('class')).resolves.toContain('highlight');
    await expect(page.locator('tr', { hasText: 'Bản trùng' }).count()).resolves.toBe(0);
  });

  it('plays the rendition in the browser (fetched with the bearer token) and approves the clip', async () => {
    const row = page.locator('tr', { hasText: CLIP_TITLE });
    await row.getByRole('button', { name: `Nghe thử «${CLIP_TITLE}»` }).click();
    const player = page.getByLabel(`Nghe thử «${CLIP_TITLE}»`, { exact: true }).and(page.locator('audio'));
    await player.waitFor();
    const audio = await player.evaluate(async (el: HTMLAudioElement) => {
      if (!(el.duration > 0)) await new Promise((resolve) => el.addEventListener('loadedmetadata', resolve, { once: true }));
      return { src: el.src, duration: el.duration };
    });
    expect(audio.src).toMatch(/^blob:/);
    expect(audio.duration).toBeGreaterThan(19);
    expect(audio.duration).toBeLessThan(21);

    await row.getByRole('button', { name: `Duyệt «${CLIP_TITLE}»` }).click();
    await row.getByText('Đã duyệt').waitFor();
    const segment = await t.http.get(`/api/v1/segments/${clipId}`).set(auth(tree.staffA.token));
    expect(segment.body.approved).toBe(true);

    await page.getByLabel('Trạng thái').selectOption('failed');
    await page.getByText('Không có bản tin nào phù hợp.').waitFor();
    await page.getByLabel('Trạng thái').selectOption('');
    await browser.screenshot('03-library-approved');
  });

  it('registers a receiver, shows its device token once with a copy button, and rotates it', async () => {
    await goTo('Cụm loa');
    await page.getByRole('heading', { name: 'Cụm loa', exact: true }).waitFor();
    await page.getByText('2 cụm loa, 0 đang trực tuyến').waitFor();
    await page.getByLabel('Tên cụm loa').fill('Cụm loa UBND xã');
    await page.getByLabel('Vị trí').fill('Trụ sở UBND xã Y Tý');
    await page.getByRole('button', { name: 'Đăng ký', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Mã thiết bị' });
    await dialog.waitFor();
    const token = await dialog.getByLabel('Mã thiết bị').inputValue();
    expect(token.length).toBeGreaterThan(20);
    await dialog.getByRole('button', { name: 'Sao chép' }).click();
    await dialog.getByRole('button', { name: 'Đã sao chép' }).waitFor();
    await browser.screenshot('04-receiver-token');
    await dialog.getByRole('button', { name: 'Xong' }).click();
    expect((await t.http.get('/api/v1/device/queue').set(auth(token))).status).toBe(200);

    // The receiver just polled: it is online now.
    await page.reload();
    const row = page.locator('tr', { hasText: 'Cụm loa UBND xã' });
    await row.getByText('Trực tuyến').waitFor();

    page.once('dialog', (confirm) => void confirm.accept());
    await row.getByRole('button', { name: 'Cấp mã thiết bị mới cho Cụm loa UBND xã' }).click();
    const rotated = await dialog.getByLabel('Mã thiết bị').inputValue();
    expect(rotated).not.toBe(token);
    await dialog.getByRole('button', { name: 'Xong' }).click();
    expect((await t.http.get('/api/v1/device/queue').set(auth(token))).status).toBe(401);
    speakerTokens.push(rotated);
    await browser.screenshot('05-receivers');
  });

  it('lets the commune operator schedule the approved clip and see it on the week calendar', async () => {
    await signIn(tree.operatorA.username);
    await page.getByRole('heading', { name: 'Lịch phát', exact: true }).waitFor();
    expect(await menu()).toEqual(['Thư viện âm thanh', 'Cụm loa', 'Lịch phát', 'Nhật ký phát']);

    // Once, two hours from now (Vietnam time), on a 5-minute boundary.
    scheduleAt = DateTime.now().setZone(VN).plus({ hours: 2 }).startOf('minute');
    scheduleAt = scheduleAt.plus({ minutes: (5 - (scheduleAt.minute % 5)) % 5 });
    await createOnceSchedule(SCHEDULE_TITLE, scheduleAt);
    await page.getByText(`Đã tạo lịch «${SCHEDULE_TITLE}».`).waitFor();

    if (scheduleAt.startOf('week').toISODate() !== DateTime.now().setZone(VN).startOf('week').toISODate()) await page.getByRole('button', { name: /Tuần sau/ }).click();
    const day = page.locator(`.day[data-day="${scheduleAt.toISODate()}"]`);
    const entry = day.locator('.entry', { hasText: SCHEDULE_TITLE });
    await entry.waitFor();
    await expect(entry.textContent()).resolves.toContain(scheduleAt.toFormat('HH:mm'));
    expect(['scheduled', 'planned']).toContain(await entry.getAttribute('data-status'));
    await browser.screenshot('06-schedule-calendar');
  });

  it('refuses a clashing schedule and names the schedule it clashes with, inline', async () => {
    await createOnceSchedule('Bản tin trùng giờ', scheduleAt);
    const clash = page.locator('.conflict');
    await clash.waitFor();
    await expect(clash.textContent()).resolves.toContain(`Trùng giờ với lịch «${SCHEDULE_TITLE}»`);
    await expect(clash.textContent()).resolves.toContain(scheduleAt.toFormat('HH:mm'));
    await browser.screenshot('07-schedule-conflict');
    await clash.getByRole('button', { name: 'Xem trên lịch' }).click();
    await page.locator('.entry.clash', { hasText: SCHEDULE_TITLE }).waitFor();
    await page.getByRole('button', { name: 'Huỷ', exact: true }).click();
    const schedules = await t.http.get('/api/v1/schedules').query({ communeId: tree.communeA.id }).set(auth(tree.operatorA.token));
    expect(schedules.body.items.map((s: { title: string }) => s.title)).toEqual([SCHEDULE_TITLE]);
  });

  it('edits the schedule from its calendar entry (two passes: a longer broadcast), then deletes another one', async () => {
    const slot = page.locator(`.day[data-day="${scheduleAt.toISODate()}"] .entry`, { hasText: SCHEDULE_TITLE });
    await slot.first().getByRole('button').click();
    const form = page.locator('.schedule-form');
    await page.getByRole('heading', { name: `Sửa lịch «${SCHEDULE_TITLE}»` }).waitFor();
    expect(await form.getByLabel('Ngày giờ phát').inputValue()).toBe(scheduleAt.toFormat('dd/LL/yyyy HH:mm'));
    await form.getByLabel('Số lượt phát').fill('2');
    await form.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText(`Đã lưu lịch «${SCHEDULE_TITLE}».`).waitFor();
    // 20 s + 30 s gap + 20 s: it now lasts 70 s.
    await slot.filter({ hasText: `${scheduleAt.toFormat('HH:mm')} · 1 phút 10 giây` }).filter({ hasNotText: 'Đã huỷ' }).first().waitFor();

    const laterAt = scheduleAt.plus({ hours: 3 });
    await createOnceSchedule('Bản tin tạm', laterAt);
    await page.getByText('Đã tạo lịch «Bản tin tạm».').waitFor();
    await page.getByRole('button', { name: 'Sửa lịch «Bản tin tạm»' }).click();
    page.once('dialog', (confirm) => void confirm.accept());
    await page.locator('.schedule-form').getByRole('button', { name: 'Xoá' }).click();
    await page.getByText('Đã xoá lịch «Bản tin tạm»').waitFor();
    // The confirmation shows before the list has been read again.
    await waitFor(async () => (await page.locator('table tr', { hasText: 'Bản tin tạm' }).count()) === 0);
  });

  it('sends an emergency broadcast after a confirmation step, and shows its per-receiver deliveries in the log', async () => {
    await signIn(tree.staffA.username);
    await goTo('Phát khẩn cấp');
    await page.getByLabel('Địa bàn phát').selectOption({ label: tree.communeA.name });
    await page.getByLabel('Tiêu đề').fill('Cảnh báo lũ quét');
    await page.getByLabel(new RegExp(CLIP_TITLE)).check();
    // One receiver holds its push stream: the live progress counts it as told.
    const stream = await SseClient.connect(t.url, speakerTokens[0]);
    await stream.next((e) => e.event === 'hello');
    await page.getByRole('button', { name: 'Phát khẩn cấp…' }).click();
    const confirm = page.getByRole('dialog', { name: 'Xác nhận phát khẩn cấp' });
    await expect(confirm.textContent()).resolves.toContain('trên 3 cụm loa của Xã Y Tý');
    await browser.screenshot('08-emergency-confirm');
    await confirm.getByRole('button', { name: 'Phát ngay' }).click();
    await page.getByText('Đã phát lệnh khẩn cấp «Cảnh báo lũ quét»').waitFor();
    const progress = page.locator('section.live-progress');
    await progress.locator('[data-figure="told"] dd', { hasText: '1' }).waitFor();
    await expect(progress.textContent()).resolves.toContain('3 cụm loa nhận');
    await browser.screenshot('08b-emergency-progress');
    stream.close();

    const broadcasts = await t.http.get('/api/v1/broadcasts').query({ communeId: tree.communeA.id }).set(auth(tree.staffA.token));
    const emergency = broadcasts.body.items.find((b: { title: string }) => b.title === 'Cảnh báo lũ quét');
    expect(emergency).toBeDefined();
    // The dispatcher hands it to every receiver of the commune (a queue job, right away).
    await waitFor(async () => (await t.http.get(`/api/v1/broadcasts/${emergency.id}/deliveries`).set(auth(tree.staffA.token))).body.items?.length === 3);
    // Two receivers report that they played it; the third stays pending.
    const now = new Date().toISOString();
    for (const token of speakerTokens.slice(0, 2)) {
      const res = await t.http.post('/api/v1/device/receipts').set(auth(token)).send({ receipts: [{ broadcastId: emergency.id, status: 'played', startedAt: now, finishedAt: now }] });
      expect(res.status).toBe(200);
    }

    await goTo('Nhật ký phát');
    const row = page.locator(`tr[data-broadcast-id="${emergency.id}"]`);
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('2/3');
    await row.getByRole('button', { name: 'Chi tiết' }).click();
    const details = page.locator(`#deliveries-${emergency.id}`);
    await details.getByText('Đã phát: 2').waitFor();
    await details.getByText('Đang chờ: 1').waitFor();
    await details.getByText('Cụm loa thôn Phìn Hồ').waitFor();
    await browser.screenshot('09-broadcast-log');
  });

  it('stops a broadcast on air after a confirmation, and its receivers are told', async () => {
    const emergency = (await t.http.get('/api/v1/broadcasts').query({ communeId: tree.communeA.id, status: 'on_air' }).set(auth(tree.staffA.token))).body.items[0];
    const stream = await SseClient.connect(t.url, speakerTokens[1]);
    await stream.next((e) => e.event === 'hello');
    const row = page.locator(`tr[data-broadcast-id="${emergency.id}"]`);
    await row.getByRole('button', { name: 'Dừng phát' }).click();
    const confirm = page.getByRole('dialog', { name: 'Dừng buổi phát?' });
    await expect(confirm.textContent()).resolves.toContain('trên 3 cụm loa');
    await confirm.getByRole('button', { name: 'Huỷ' }).click();
    expect((await t.http.get(`/api/v1/broadcasts/${emergency.id}`).set(auth(tree.staffA.token))).body.status).toBe('on_air');
    await row.getByRole('button', { name: 'Dừng phát' }).click();
    await confirm.getByRole('button', { name: 'Dừng ngay' }).click();
    await row.getByText('Đã dừng').waitFor();
    await expect(row.getByRole('button', { name: 'Dừng phát' }).count()).resolves.toBe(0);
    expect((await stream.next((e) => e.event === 'cancel')).data).toEqual({ broadcastId: emergency.id, status: 'stopped' });
    stream.close();
    await browser.screenshot('09b-broadcast-stopped');
  });

  it('shows what each receiver reports, push or polling, and marks the ones behind', async () => {
    const status = { agent: 'loa-receiver linux-arm64', playing: null, cacheBytes: 1_000_000, freeBytes: 2_000_000_000, clockOffsetMs: 40 };
    const [behind, healthy] = speakerTokens;
    for (const [token, body] of [[behind, { ...status, version: '0.9.0', outbox: 42, clockOffsetMs: 2500, lastError: 'không tải được âm thanh: hết dung lượng' }], [healthy, { ...status, version: '1.0.0', outbox: 0 }]] as const) {
      expect((await t.http.post('/api/v1/device/status').set(auth(token)).send(body)).status).toBe(204);
    }
    const stream = await SseClient.connect(t.url, healthy);
    await stream.next((e) => e.event === 'hello');
    await goTo('Cụm loa');
    const late = page.locator('tr.behind', { hasText: 'Cụm loa thôn Phìn Hồ' });
    await late.waitFor({ timeout: 20_000 });
    for (const text of ['Biên nhận ùn lại', 'Lệch giờ', 'Phiên bản cũ', '0.9.0', '42', '+2500 ms', 'hết dung lượng']) await late.getByText(text, { exact: false }).first().waitFor();
    const fine = page.locator('tr', { hasText: 'Cụm loa thôn Nhìu Cồ San' });
    await fine.getByText('Trực tuyến (đẩy tin)').waitFor({ timeout: 20_000 });
    expect(await fine.getAttribute('class')).toBeNull();
    await expect(page.locator('.count-behind').textContent()).resolves.toMatch(/cụm loa cần kiểm tra/);
    await browser.screenshot('09c-receivers-status');
    stream.close();
  });

  it('shows the auditor a report with a chart and downloads it as CSV', async () => {
    await signIn(tree.auditor.username);
    await page.getByRole('heading', { name: 'Báo cáo', exact: true }).waitFor();
    expect(await menu()).toEqual(['Nhật ký phát', 'Báo cáo', 'Nhật ký hệ thống', 'Cảnh báo']);
    await page.getByLabel('Thống kê theo').selectOption('commune');
    const row = page.locator('table.report tbody tr', { hasText: tree.communeA.name });
    await row.waitFor({ timeout: 30_000 });
    await expect(row.locator('td').allInnerTexts()).resolves.toEqual(['1', '3', '2', '0', '0', '1', expect.stringMatching(/^\d+:\d\d$/)]);
    await page.locator('figure.chart svg rect').first().waitFor();
    await browser.screenshot('10-report');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /Tải CSV/ }).click()]);
    expect(download.suggestedFilename()).toMatch(/^loa-report-commune-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv$/);
    const csv = await readFile((await download.path())!, 'utf8');
    const [header, ...lines] = csv.trim().split(/\r?\n/);
    expect(header).toMatch(/key.*label.*broadcasts.*targeted.*played.*failed.*missed.*airtimeSec/);
    expect(lines.some((line) => line.includes(tree.communeA.id) && line.includes(tree.communeA.name))).toBe(true);

    await page.getByLabel('Thống kê theo').selectOption('day');
    const today = page.locator(`table.report tbody tr[data-key="${DateTime.now().setZone(VN).toISODate()}"]`);
    await today.waitFor();
    await expect(today.locator('td').nth(2).textContent()).resolves.toBe('2');
  });

  it('shows the auditor the audit trail and verifies its hash chain', async () => {
    await goTo('Nhật ký hệ thống');
    await page.getByText('segment.approve').first().waitFor();
    await page.getByRole('button', { name: 'Kiểm tra tính toàn vẹn' }).click();
    await page.getByText(/Chuỗi nhật ký nguyên vẹn: \d+ bản ghi/).waitFor();
    await browser.screenshot('11-audit');
  });

  it('fits a phone-sized screen: a menu button, stacked calendar days, tables as cards', async () => {
    await page.setViewportSize(PHONE);
    // No sideways scrolling; if there is, name what sticks out past the right edge.
    const overflowing = () =>
      page.evaluate(() =>
        document.documentElement.scrollWidth <= window.innerWidth + 1
          ? []
          : [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1).map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`),
      );
    await page.getByRole('button', { name: 'Menu' }).click();
    await browser.screenshot('12-phone-menu');
    await goTo('Báo cáo');
    await page.locator('table.report tbody tr').first().waitFor();
    await browser.screenshot('13-phone-report');
    expect(await overflowing()).toEqual([]);

    await signIn(tree.operatorA.username);
    await page.getByRole('heading', { name: 'Lịch phát', exact: true }).waitFor();
    await page.locator('.entry').first().waitFor();
    await browser.screenshot('14-phone-schedules');
    expect(await overflowing()).toEqual([]);
    await page.getByRole('button', { name: 'Menu' }).click();
    await goTo('Thư viện âm thanh');
    await page.locator('tr', { hasText: CLIP_TITLE }).waitFor();
    await browser.screenshot('15-phone-library');
    expect(await overflowing()).toEqual([]);
    await page.setViewportSize(DESKTOP);
  });

  it('switches to English and remembers the choice', async () => {
    await page.locator('.account').getByLabel('Ngôn ngữ').selectOption('en');
    // Reloaded at once: the choice must be stored when made, not after the next paint.
    await page.reload();
    // The console renders after its script loads: wait for it before reading the menu.
    await page.getByRole('heading', { name: 'Audio library', exact: true }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link').allInnerTexts()).toEqual(['Audio library', 'Receivers', 'Schedules', 'Broadcast log']);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await browser.screenshot('16-english');
  });

  async function waitFor(condition: () => Promise<boolean>, timeoutMs = 30_000) {
    for (const deadline = Date.now() + timeoutMs; !(await condition()); ) {
      if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Fills the schedule form for a one-off broadcast of the approved clip at `at` (Vietnam time). */
  async function createOnceSchedule(title: string, at: DateTime) {
    if (!(await page.locator('.schedule-form').isVisible())) await page.getByRole('button', { name: 'Tạo lịch phát' }).click();
    const form = page.locator('.schedule-form');
    await form.getByLabel('Tên lịch').fill(title);
    if (!(await form.locator('.playlist li').count())) {
      await form.getByLabel('Thêm bản tin đã duyệt').selectOption({ index: 1 });
      await form.getByRole('button', { name: 'Thêm', exact: true }).click();
    }
    await form.getByText('Một lần', { exact: true }).click();
    await form.getByLabel('Ngày giờ phát').fill(at.toFormat('dd/LL/yyyy HH:mm'));
    await form.getByRole('button', { name: 'Tạo lịch' }).click();
  }
});
