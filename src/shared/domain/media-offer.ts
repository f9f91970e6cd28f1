/**
 * Whether an incoming call's SDP offer can reach the window's WebRTC at all. The platform offers
 * plain RTP/AVP (docs/platform-api/agent-api.md §7), which only the site edge's media relay (rtpengine) turns into
 * WebRTC; when the relay is down the edge passes the call on marked `X-Media-Relay: unavailable`.
 * Either way the call is refused without ringing: an agent must never answer into silence.
 */

/** The header the edge adds when its media relay did not take the offer. */
export const MEDIA_RELAY_HEADER = 'X-Media-Relay';

/** Null when the offer suits WebRTC, else why not (for logs and the refusal). */
export function mediaRefusal(offerSdp: string, relayHeader: string | undefined): string | null {
  if (relayHeader?.trim().toLowerCase() === 'unavailable')
    return "the site's media relay is unavailable";
  const audio = /^m=audio\s+\d+\s+(\S+)/m.exec(offerSdp);
  if (!audio) return 'the offer has no audio';
  // WebRTC media is always secure (SAVPF over DTLS); a plain RTP/AVP offer never got to a relay.
  if (!/SAVPF$/i.test(audio[1]!))
    return `the offer is plain ${audio[1]} (no media relay on the way)`;
  return null;
}
