import { Global, Module } from '@nestjs/common';
import { AudioStorage } from './audio-storage.js';

/** The audio files on disk (LOA_AUDIO_DIR): uploads, sources, renditions. */
@Global()
@Module({ providers: [AudioStorage], exports: [AudioStorage] })
export class StorageModule {}
