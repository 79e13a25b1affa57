import { Module } from '@nestjs/common';
import { SpeakersController } from './speakers.controller.js';
import { SpeakersRepository } from './speakers.repository.js';
import { SpeakersService } from './speakers.service.js';

@Module({
  controllers: [SpeakersController],
  providers: [SpeakersRepository, SpeakersService],
  exports: [SpeakersRepository, SpeakersService],
})
export class SpeakersModule {}
