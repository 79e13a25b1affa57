/**
 * Something wrong with the audio a segment is made from, not with the machine (the media adapter's
 * MediaError, the speech adapter's SpeechError): the segment fails at once with `message`, which is fit
 * to show to a user; `detail` (the tool's output) is for logs.
 */
export class AudioError extends Error {
  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}
