import { commandArgs, parseCommandTemplate } from './command-template.js';

describe('parseCommandTemplate', () => {
  it('splits shell-style quoting into arguments and keeps $NAME unexpanded', () => {
    const t = parseCommandTemplate(`/opt/piper/piper --model "/opt/piper/vi vn.onnx" --speaker '$SPEAKER' --output_file={out}`);
    expect(t).toEqual({ program: '/opt/piper/piper', args: ['--model', '/opt/piper/vi vn.onnx', '--speaker', '$SPEAKER', '--output_file={out}'], readsTextFile: false, voiceId: 'piper' });
    expect(commandArgs(t, { out: '/a/b.wav', textFile: '/a/b.txt' })).toEqual(['--model', '/opt/piper/vi vn.onnx', '--speaker', '$SPEAKER', '--output_file=/a/b.wav']);
  });

  it('knows when the text goes in a file', () => {
    const t = parseCommandTemplate('My_TTS.sh -i {text_file} -o {out}');
    expect(t.readsTextFile).toBe(true);
    expect(t.voiceId).toBe('my-tts-sh');
    expect(commandArgs(t, { out: 'o.wav', textFile: 't.txt' })).toEqual(['-i', 't.txt', '-o', 'o.wav']);
  });

  it.each([
    ['', /is empty/],
    ['piper > {out}', /has ">"/],
    ['piper {out} && rm -rf /', /has "&&"/],
    ['piper {out} # later', /has a comment/],
    ['piper *.onnx {out}', /has a pattern/],
    ['piper --output_file x.wav', /must contain \{out\}/],
    ['{text_file} {out}', /must start with the program/],
  ])('refuses %j', (template, message) => expect(() => parseCommandTemplate(template)).toThrow(message));
});
