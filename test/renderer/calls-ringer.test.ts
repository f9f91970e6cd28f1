/**
 * The ringtone on the chosen ringer: heard only there from the first ring, chosen again while
 * it rings, and not called "blocked" when the device is merely slow to start.
 */
import { describe, expect, it } from 'vitest';
import { signedInSnapshot } from './fake-api';
import { CallsApi, FakeMediaPorts, mountCalls, ringingSnapshot, settle } from './calls-support';
import type { FakeAudioContext } from './calls-support';

/** Contexts made by the ringtone get `change` applied. */
function contexts(ports: FakeMediaPorts, change: (context: FakeAudioContext) => void): void {
  const create = ports.createAudioContext;
  ports.createAudioContext = () => {
    const context = create() as unknown as FakeAudioContext;
    change(context);
    return context as unknown as AudioContext;
  };
}

async function mounted(ports: FakeMediaPorts, ringer = 'default') {
  const api = new CallsApi();
  api.snapshot = signedInSnapshot();
  api.settings.settings = { ...api.settings.settings, ringerDeviceId: ringer };
  return mountCalls(api, { ports });
}

describe('the ringer', () => {
  it('the first ring of the day is heard only on the chosen ringer, never first on the default speakers', async () => {
    const ports = new FakeMediaPorts();
    /** What was sounding, and where, at each setSinkId. */
    const atSink: { audible: boolean; sinks: string[] }[] = [];
    contexts(ports, (context) => {
      const setSinkId = context.setSinkId.bind(context);
      context.setSinkId = async (id: string) => {
        atSink.push({ audible: context.audible, sinks: [...context.sinkIds] });
        await setSinkId(id);
      };
    });
    const { api } = await mounted(ports, 'out-headset');
    api.push(ringingSnapshot());
    await settle();
    const context = ports.contexts[0]!;
    expect(context.sinkIds).toEqual(['out-headset']);
    expect(context.audible).toBe(true);
    expect(atSink).toEqual([{ audible: false, sinks: [] }]);
  });

  it('a ringer chosen in Settings while a call rings takes the ring at once', async () => {
    const ports = new FakeMediaPorts();
    const { api } = await mounted(ports);
    api.push(ringingSnapshot());
    await settle();
    const context = ports.contexts[0]!;
    expect(context.sinkIds).toEqual(['']);
    api.pushSettings({
      ...api.settings,
      settings: { ...api.settings.settings, ringerDeviceId: 'out-speakers' },
    });
    await settle();
    expect(context.sinkIds.at(-1)).toBe('out-speakers');
    expect(context.audible).toBe(true);
    expect(context.sounding).toBe(1);
  });

  it('a Bluetooth ringer taking 0.8 s to start rings, and no "sound blocked" alert stays', async () => {
    const ports = new FakeMediaPorts();
    contexts(ports, (context) => {
      // The device takes its time to open (a Bluetooth headset switching profile).
      context.resume = () =>
        new Promise<void>((resolve) =>
          setTimeout(() => {
            if (context.state === 'suspended') context.starts++;
            context.state = 'running';
            resolve();
          }, 800),
        );
    });
    const { api, calls } = await mounted(ports, 'out-headset');
    // First call rings and is cancelled: the context is suspended between rings.
    api.push(ringingSnapshot({ id: 'c1' }));
    await settle();
    api.push(signedInSnapshot());
    await settle();
    // The next call.
    api.push(ringingSnapshot({ id: 'c2' }));
    await settle();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await settle();
    expect(ports.contexts[0]!.audible).toBe(true);
    expect(calls.soundBlocked).toBe(false);
    expect(document.body.textContent).not.toContain('系统阻止了自动播放声音');
  });
});
