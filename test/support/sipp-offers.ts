/**
 * SDP offers for sipp scenarios (sipp fills `[$media]` from `-set media <port>`).
 *
 * A WebRTC-looking offer (Chromium refuses plain RTP/AVP): DTLS-SRTP profile, a fingerprint,
 * ICE credentials, one loopback host candidate, rtcp-mux, mid. sipp does no ICE or DTLS, so no
 * audio flows; it is for signalling (the tests through Kamailio, the ringing bench).
 */
export const WEBRTC_LOOKING_OFFER = [
  'v=0',
  'o=- 1 1 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'm=audio [$media] UDP/TLS/RTP/SAVPF 0',
  'c=IN IP4 127.0.0.1',
  'a=candidate:1 1 udp 2130706431 127.0.0.1 [$media] typ host',
  'a=ice-ufrag:sipp',
  'a=ice-pwd:sippsippsippsippsippsipp',
  'a=fingerprint:sha-256 F0:B8:52:66:F3:BE:FB:B4:CC:ED:E5:33:B2:F7:1D:A9:11:BF:B5:DB:01:B5:26:46:A8:3E:C1:6D:5D:B4:DD:21',
  'a=setup:actpass',
  'a=mid:0',
  'a=sendrecv',
  'a=rtcp-mux',
  'a=rtpmap:0 PCMU/8000',
].join('\n');
