import { Injectable, Logger } from '@nestjs/common';
import { XMLParser } from 'fast-xml-parser';
import { LRUCache } from 'lru-cache';
import { AppConfig } from '../config/app-config.js';
import { AlertsService } from './alerts.service.js';
import { FetchError, HttpFetcher } from './http-fetcher.js';

const FEED_TIMEOUT_MS = 10_000;
const atom = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', removeNSPrefix: true, processEntities: true, htmlEntities: false, isArray: (name) => name === 'entry' || name === 'link' });

interface AtomLink {
  href?: string;
  rel?: string;
  type?: string;
}

/** One CAP message an Atom feed lists: where to fetch it, and what identifies the entry. */
export interface FeedEntry {
  key: string;
  url: string;
}

/**
 * Pull (SPEC §11, like OpenBroadcaster's NAAD/NWS feeds): reads each Atom feed of LOA_CAP_FEEDS and
 * hands every CAP message it links to POST /alerts' own path. A message is received once by sender +
 * identifier, so polling is idempotent; entries already handled are remembered so they are not fetched
 * again every poll.
 */
@Injectable()
export class CapFeeds {
  private readonly logger = new Logger(CapFeeds.name);
  private readonly handled = new LRUCache<string, true>({ max: 10_000 });

  constructor(
    private readonly alerts: AlertsService,
    private readonly fetcher: HttpFetcher,
    private readonly config: AppConfig,
  ) {}

  /** Polls every feed once; returns how many new messages were received. */
  async pollAll(): Promise<number> {
    let received = 0;
    for (const feed of this.config.LOA_CAP_FEEDS) received += await this.poll(feed).catch((error: Error) => (this.logger.warn(`CAP feed ${feed}: ${error.message}`), 0));
    return received;
  }

  private async poll(feed: string): Promise<number> {
    const limits = { maxBytes: this.config.LOA_ALERT_MAX_MB * 1024 * 1024, timeoutMs: FEED_TIMEOUT_MS };
    const { body } = await this.fetcher.fetch(feed, { ...limits, accept: 'application/atom+xml, application/xml' });
    let received = 0;
    for (const entry of feedEntries(body.toString('utf8'), feed)) {
      if (this.handled.has(entry.key)) continue;
      try {
        const message = await this.fetcher.fetch(entry.url, { ...limits, accept: 'application/cap+xml, application/xml' });
        const { created } = await this.alerts.receive({ user: null, via: feed }, message.body.toString('utf8'));
        if (created) received++;
        this.handled.set(entry.key, true);
      } catch (error) {
        // A refused message is audited by the alerts service and not tried again; an unreachable one is, next poll.
        if (!(error instanceof FetchError)) this.handled.set(entry.key, true);
        this.logger.warn(`CAP feed ${feed}, entry ${entry.url}: ${(error as Error).message}`);
      }
    }
    return received;
  }
}

/** The CAP messages an Atom feed links to: per entry, its CAP link (by type), else its alternate link. */
export function feedEntries(xml: string, feedUrl: string): FeedEntry[] {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new Error('the feed has a DOCTYPE or entity declaration: refused');
  const entries = (atom.parse(xml)?.feed?.entry ?? []) as Array<{ id?: unknown; updated?: unknown; link?: AtomLink[] }>;
  return entries.flatMap((entry) => {
    const links = entry.link ?? [];
    const link = links.find((l) => /cap\+xml/i.test(l.type ?? '')) ?? links.find((l) => /xml/i.test(l.type ?? '')) ?? links.find((l) => !l.rel || l.rel === 'alternate');
    if (!link?.href) return [];
    const url = new URL(link.href, feedUrl).toString();
    return [{ key: `${feedUrl}|${String(entry.id ?? url)}|${String(entry.updated ?? '')}`, url }];
  });
}
