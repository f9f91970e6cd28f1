/**
 * What only the window can know about the call's incoming audio: whether a connected call has
 * received nothing for 3 s (the quality monitor sets it; the readiness light says so).
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';

export const useCallAudioStore = defineStore('call-audio', () => {
  const noAudio = ref(false);
  return { noAudio };
});
