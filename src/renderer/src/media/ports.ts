/**
 * What the window's media code needs from the browser, as one small port so tests can hand in
 * doubles (happy-dom has no WebRTC, WebAudio or media devices). `browserPorts()` is the real one.
 */

/** The parts of RTCPeerConnection the call media uses (a real one satisfies it). */
export type PeerConnection = Pick<
  RTCPeerConnection,
  | 'setRemoteDescription'
  | 'createAnswer'
  | 'createOffer'
  | 'getTransceivers'
  | 'setLocalDescription'
  | 'addTrack'
  | 'getSenders'
  | 'getStats'
  | 'close'
  | 'addEventListener'
  | 'removeEventListener'
  | 'localDescription'
  | 'iceGatheringState'
  | 'connectionState'
  | 'signalingState'
>;

/** An <audio> element's playing surface; setSinkId is optional (not every engine has it). */
export interface AudioOut {
  srcObject: MediaProvider | null;
  play(): Promise<void>;
  pause(): void;
  setSinkId?(sinkId: string): Promise<void>;
}

export interface MediaPorts {
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
  enumerateDevices(): Promise<MediaDeviceInfo[]>;
  /** Subscribes to devicechange; returns the unsubscribe. */
  onDeviceChange(listener: () => void): () => void;
  createPeerConnection(config: RTCConfiguration): PeerConnection;
  createAudio(): AudioOut;
  /** Null where WebAudio is missing (the ringtone then says it cannot play). */
  createAudioContext(): AudioContext | null;
}

function devices(): MediaDevices | null {
  return typeof navigator !== 'undefined' && navigator.mediaDevices ? navigator.mediaDevices : null;
}

/** The real browser (Electron's Chromium or the browser host's). */
export function browserPorts(): MediaPorts {
  return {
    getUserMedia: (constraints) => {
      const d = devices();
      return d
        ? d.getUserMedia(constraints)
        : Promise.reject(new DOMException('no media devices', 'NotSupportedError'));
    },
    // No media devices at all is no device list (nothing is judged), not "no microphone".
    enumerateDevices: () =>
      devices()?.enumerateDevices() ??
      Promise.reject(new DOMException('no media devices', 'NotSupportedError')),
    onDeviceChange: (listener) => {
      const d = devices();
      d?.addEventListener('devicechange', listener);
      return () => d?.removeEventListener('devicechange', listener);
    },
    createPeerConnection: (config) => new RTCPeerConnection(config),
    createAudio: () => new Audio(),
    createAudioContext: () =>
      typeof AudioContext === 'function' ? new AudioContext({ latencyHint: 'playback' }) : null,
  };
}

/** A sink id as setSinkId wants it: '' is the system default. */
export function sinkOf(deviceId: string): string {
  return deviceId === 'default' ? '' : deviceId;
}

/** True for a device choice that means "whatever the system uses". */
export function isDefaultDevice(deviceId: string | undefined): boolean {
  return !deviceId || deviceId === 'default';
}
