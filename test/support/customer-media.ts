/**
 * Customer endpoints for the demo platform's call center (`calls.setMedia`) that answer the
 * agent's re-INVITEs as some real platforms do, for the hold tests in Node and in Chromium.
 */
import { MediaEndpoint } from '../../src/emulator/calls/media-endpoint';
import type { MediaSession } from '../../src/emulator/calls/media-endpoint';

/**
 * A real customer endpoint whose answer to a re-INVITE is `reanswer` (by default there is none:
 * the platform answers 488, as one that takes no new offer does).
 */
export function customerMedia(
  reanswer?: (endpoint: MediaEndpoint, offerSdp: string) => Promise<string>,
): () => MediaSession {
  return () => {
    const endpoint = new MediaEndpoint();
    return {
      createOffer: () => endpoint.createOffer(),
      applyAnswer: (sdp) => endpoint.applyAnswer(sdp),
      ...(reanswer ? { answerOffer: (sdp: string) => reanswer(endpoint, sdp) } : {}),
      stats: () => endpoint.stats(),
      close: () => endpoint.close(),
    };
  };
}
