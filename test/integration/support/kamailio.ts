/** Starting the emulator's Kamailio mode for a test file, over the emulator's real store. */
import { silentLogger } from '../../../src/lib/ports';
import { PlatformStore } from '../../../src/emulator/index';
import { startKamailio } from '../../../src/emulator/sip/kamailio';
import type { KamailioOptions, RunningKamailio } from '../../../src/emulator/sip/kamailio';
import { kamailioRpc } from '../../../src/emulator/sip/kamailio-usrloc';
import { RecordingDirectory } from './recording-directory';

export const DOMAIN = 'sip.oneyun.com';

/** A store with the five demo extensions, wrapped to record what the SIP side reports. */
export function demoDirectory(): RecordingDirectory {
  return new RecordingDirectory(new PlatformStore({ demoData: true }));
}

/** Kamailio for `directory`; short min expiry so refreshes are seen within seconds. */
export function startTestKamailio(
  directory: RecordingDirectory,
  extra: Partial<KamailioOptions> = {},
) {
  return startKamailio({
    directory,
    domain: DOMAIN,
    logger: silentLogger,
    minExpiresSec: 2,
    ...extra,
  });
}

/** The ports a running Kamailio listens on (to start the next one on the same ones). */
export function portsOf(kamailio: RunningKamailio): { wsPort: number; udpPort: number } {
  return {
    wsPort: Number(new URL(kamailio.wsUrl).port),
    udpPort: Number(kamailio.udpAddress.split(':')[1]),
  };
}

/** The contact addresses Kamailio's location table holds for `sipUser`. */
export async function usrlocContacts(
  kamailio: RunningKamailio,
  sipUser: string,
): Promise<string[]> {
  const reply = (await kamailioRpc(kamailio.rpcUrl, 'ul.dump')) as {
    result: {
      Domains: {
        Domain: { AoRs: { Info: { AoR: string; Contacts: { Contact: { Address: string } }[] } }[] };
      }[];
    };
  };
  const aors = reply.result.Domains.flatMap((d) => d.Domain.AoRs);
  return aors
    .filter((a) => a.Info.AoR === sipUser)
    .flatMap((a) => a.Info.Contacts.map((c) => c.Contact.Address));
}

/** True while a process with `pid` exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
