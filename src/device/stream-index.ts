import type { Audience } from '../push/push-messages.js';

/** What the index needs of an open stream. */
export interface IndexedStream {
  speakerId: string;
  /** The ids on the speaker's commune path, from the top area down to the commune. */
  areaIds: readonly string[];
}

/**
 * The event streams held by one process, by speaker (one stream each) and by every area above and
 * including the speaker's commune, so a message naming an audience (an area's subtree, or speakers
 * within it) finds its streams without looking at the others: an emergency for a district walks that
 * district's streams only, a commune's bulletin its commune's.
 */
export class StreamIndex<S extends IndexedStream> {
  private readonly bySpeaker = new Map<string, S>();
  private readonly byArea = new Map<string, Set<S>>();

  get size(): number {
    return this.bySpeaker.size;
  }

  /** Adds a stream; answers the speaker's previous stream, which it replaces (the caller closes it). */
  add(stream: S): S | undefined {
    const previous = this.bySpeaker.get(stream.speakerId);
    if (previous) this.remove(previous);
    this.bySpeaker.set(stream.speakerId, stream);
    for (const areaId of stream.areaIds) {
      let streams = this.byArea.get(areaId);
      if (!streams) this.byArea.set(areaId, (streams = new Set()));
      streams.add(stream);
    }
    return previous;
  }

  /** Removes a stream if it is still the one indexed for its speaker; answers whether it was. */
  remove(stream: S): boolean {
    if (this.bySpeaker.get(stream.speakerId) !== stream) return false;
    this.bySpeaker.delete(stream.speakerId);
    for (const areaId of stream.areaIds) {
      const streams = this.byArea.get(areaId);
      streams?.delete(stream);
      if (streams && !streams.size) this.byArea.delete(areaId);
    }
    return true;
  }

  of(speakerId: string): S | undefined {
    return this.bySpeaker.get(speakerId);
  }

  /** The streams an audience reaches. */
  *audience(audience: Audience): Generator<S> {
    if (!audience.speakerIds) {
      const streams = this.byArea.get(audience.areaId);
      if (streams) yield* streams;
      return;
    }
    for (const speakerId of audience.speakerIds) {
      const stream = this.bySpeaker.get(speakerId);
      if (stream && stream.areaIds.includes(audience.areaId)) yield stream;
    }
  }

  all(): IterableIterator<S> {
    return this.bySpeaker.values();
  }
}
