import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BadRequestException, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { MediaError, MediaRepository } from '../media/media.repository.js';
import { AudioStorage, PARTIAL_SUFFIX, removeFile } from '../storage/audio-storage.js';
import { SpeechEngine, SpeechError, type Voice } from './speech-engine.js';
import type { SpeechTextFields } from './speech.dto.js';
import { loadLexicon } from './vi/lexicon-files.js';
import type { Lexicon } from './vi/lexicon.js';
import { normaliseVietnamese } from './vi/normalise.js';
import { NORTHERN, SOUTHERN } from './vi/numbers.js';

/** A voice chosen for a text, and the text as that voice will read it. */
export interface SpeechPlan {
  voice: Voice;
  spokenText: string;
}

/**
 * Spoken bulletins (SPEC §10): which voices there are, what a text becomes once normalised, and
 * its audio through the same loudness chain as an upload.
 */
@Injectable()
export class SpeechService {
  private readonly lexicon: Lexicon;

  constructor(
    private readonly engine: SpeechEngine,
    private readonly media: MediaRepository,
    private readonly storage: AudioStorage,
    config: AppConfig,
  ) {
    this.lexicon = loadLexicon(config.LOA_SPEECH_LEXICON);
  }

  voices(): Promise<Voice[]> {
    return this.engine.voices();
  }

  /** Picks the voice (400 naming `language` or `voice` when there is none) and normalises the text for it. */
  async plan(fields: Pick<SpeechTextFields, 'text' | 'language' | 'voice'>): Promise<SpeechPlan> {
    const voice = await this.voiceFor(fields.language, fields.voice);
    const spokenText = this.spokenText(fields.text, voice);
    if (!/\p{L}/u.test(spokenText)) throw new BadRequestException('text: there is nothing to read in it');
    return { voice, spokenText };
  }

  /** The text as `voice` reads it: Vietnamese is normalised the way an announcer reads (southern voices say "ngàn", "lẻ"). */
  spokenText(text: string, voice: Voice): string {
    if (!isVietnamese(voice.language)) return text.normalize('NFC').replace(/[ \t]+/g, ' ').trim();
    return normaliseVietnamese(text, this.lexicon, /south/i.test(voice.id) ? SOUTHERN : NORTHERN);
  }

  /** `voiceId`, checked to read `language`; else the language's first voice. */
  async voiceFor(language: string, voiceId?: string): Promise<Voice> {
    const voices = await this.voices();
    const reading = voices.filter((v) => sameLanguage(v.language, language));
    if (!reading.length) {
      const known = [...new Set(voices.map((v) => v.language))].join(', ') || 'none: install espeak-ng';
      throw new BadRequestException(`language: no voice reads ${language} (languages with a voice: ${known})`);
    }
    if (!voiceId) return reading[0];
    const voice = voices.find((v) => v.id === voiceId);
    if (!voice) throw new BadRequestException(`voice: no voice ${voiceId} (voices for ${language}: ${reading.map((v) => v.id).join(', ')})`);
    if (!reading.includes(voice)) throw new BadRequestException(`voice: ${voiceId} reads ${voice.language}, not ${language}`);
    return voice;
  }

  /** The voice a stored segment names, or a SpeechError (its segment then fails with that reason). */
  async storedVoice(voiceId: string): Promise<Voice> {
    const voice = (await this.voices()).find((v) => v.id === voiceId);
    if (!voice) throw new SpeechError(`the voice ${voiceId} is no longer available on this server`);
    return voice;
  }

  /** Synthesises `spokenText` into a WAV file at `out`. */
  synthesise(spokenText: string, voice: Voice, out: string): Promise<void> {
    return this.engine.synthesise(spokenText, voice, out);
  }

  /** What the loudspeakers would play: synthesis, then the broadcast rendition's loudness chain, as MP3 bytes. */
  async previewAudio(plan: SpeechPlan): Promise<Buffer> {
    const base = join(this.storage.incomingDir, `preview-${randomBytes(8).toString('hex')}`);
    const [wav, mp3] = [`${base}.wav${PARTIAL_SUFFIX}`, `${base}.mp3${PARTIAL_SUFFIX}`];
    try {
      await this.engine.synthesise(plan.spokenText, plan.voice, wav);
      const loudness = await this.media.measureLoudness(wav);
      await this.media.renderBroadcast(wav, mp3, { sourceLufs: loudness.integratedLufs, sourceTruePeak: loudness.truePeakDbtp, downmixLufs: loudness.downmixLufs });
      return await readFile(mp3);
    } catch (error) {
      // Speech the broadcast rendition cannot be made of (a single letter is too short to measure
      // and normalise): the text's fault, named as such, as the transcode worker does for a segment.
      if (error instanceof MediaError) throw new BadRequestException(`text: cannot be made into broadcast audio: ${error.message}`);
      throw error;
    } finally {
      await Promise.all([removeFile(wav), removeFile(mp3)]);
    }
  }
}

const isVietnamese = (language: string) => /^vi(-|$)/i.test(language);
/** `vi` reads `vi-VN` and the other way round: the primary subtags decide. */
const sameLanguage = (a: string, b: string) => a.split('-')[0].toLowerCase() === b.split('-')[0].toLowerCase();
