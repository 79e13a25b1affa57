import QRCode from 'qrcode';
import { useEffect, useRef } from 'preact/hooks';

/** `text` as a QR code drawn on a canvas, in the browser (nothing leaves the page: the secret is in it). */
export function QrCode({ text, label, size = 200 }: { text: string; label: string; size?: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (canvas.current) void QRCode.toCanvas(canvas.current, text, { width: size, margin: 2, errorCorrectionLevel: 'M' });
  }, [text, size]);
  return <canvas ref={canvas} class="qr-code" role="img" aria-label={label} width={size} height={size} />;
}
