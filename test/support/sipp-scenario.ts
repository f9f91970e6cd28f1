/**
 * An outside caller's SIP messages as sipp scenario pieces: one home for their shape, for the
 * tests that call through Kamailio and for the ringing bench. A {@link Caller} says where sipp
 * takes the called user and the caller's number from: `-s` and `-set caller` (`[service]`,
 * `[$caller]`), or an injection file's fields (`[field0]`, `[field1]`).
 */

export interface Caller {
  /** The called user, as sipp spells it: `[service]` or `[field0]`. */
  to: string;
  /** The caller's number, as sipp spells it: `[$caller]` or `[field1]`. */
  caller: string;
  /** The host of the caller's From (outside the domain: Kamailio asks no digest of it). */
  host: string;
}

/** The caller's From line; the tag is unique per sipp run and call. */
const from = (c: Caller) =>
  `From: "${c.caller}" <sip:${c.caller}@${c.host}>;tag=[pid]SIPpTag00[call_number]`;

/**
 * The INVITE (retransmitted every 500 ms until answered) carrying `sdp`. `txn`: the sipp
 * transaction it starts (see {@link answeredCall}); sipp then wants an ACK naming it.
 */
export const invite = (c: Caller, sdp: string, txn?: string) => `
  <send retrans="500"${txn ? ` start_txn="${txn}"` : ''}>
    <![CDATA[

      INVITE sip:${c.to}@[$domain] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      ${from(c)}
      To: <sip:${c.to}@[$domain]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:${c.caller}@[local_ip]:[local_port]>
      Max-Forwards: 70
      User-Agent: sipp
      Content-Type: application/sdp
      Content-Length: [len]

${sdp}

    ]]>
  </send>`;

/** The caller gives up: CANCEL on the INVITE's branch. */
export const cancel = (c: Caller) => `
  <send>
    <![CDATA[

      CANCEL sip:${c.to}@[$domain] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch-4]
      ${from(c)}
      To: <sip:${c.to}@[$domain]>
      Call-ID: [call_id]
      CSeq: 1 CANCEL
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>`;

/** ACK of a non-2xx final response: same transaction (its Via), the response's To tag. */
export const ackFailure = (c: Caller) => `
  <send>
    <![CDATA[

      ACK sip:${c.to}@[$domain] SIP/2.0
      [last_Via:]
      ${from(c)}
      [last_To:]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>`;

/**
 * The caller gives up: CANCEL, then the CANCEL's 200 and the INVITE's 487 in either order (the
 * proxy's workers forward them independently, so the 487 may overtake the 200), and the ACK of
 * the 487. Uses the labels `gave-up-487` and `gave-up-done`: once per scenario.
 */
export const giveUp = (c: Caller) => `${cancel(c)}
  <recv response="200" optional="true" next="gave-up-487" />
  <recv response="487" />
${ackFailure(c)}
  <recv response="200" next="gave-up-done" />
  <label id="gave-up-487" />
  <recv response="487" />
${ackFailure(c)}
  <label id="gave-up-done" />`;

/**
 * ACK of the 200, along the route recorded from it (`rrs="true"` on its recv). `txn`: the INVITE's
 * sipp transaction, when it named one (a new branch all the same, as for any 2xx's ACK).
 */
export const ackAnswer = (c: Caller, txn?: string) => `
  <send${txn ? ` ack_txn="${txn}"` : ''}>
    <![CDATA[

      ACK [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      ${from(c)}
      [last_To:]
      [routes]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Contact: <sip:${c.caller}@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>`;

/**
 * The caller calls with `sdp`, takes the answer and ACKs it along the route the 200 recorded.
 * The 180 may come after the 200 (Kamailio's workers forward replies in any order, and UDP keeps
 * none). sipp ignores a provisional answer that comes late to a transaction it names
 * (`response_txn`). It used to be `optional="global"`, which takes it at any later step but
 * moves the scenario back to the step after it: sipp then waited for the 200 again, and took
 * the next request (a re-INVITE, the agent's BYE) as unexpected and ended the call.
 */
export const answeredCall = (c: Caller, sdp: string) => `${invite(c, sdp, 'invite')}
  <recv response="100" optional="true" response_txn="invite" />
  <recv response="180" optional="true" response_txn="invite" />
  <recv response="200" rrs="true" response_txn="invite" />
${ackAnswer(c, 'invite')}`;

/** A 200 OK's first lines for the request just received (its Via, dialog headers and CSeq). */
const OK_TO_LAST = `      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]`;

/**
 * After a `<recv request="INVITE">` of the line's re-INVITE (a refresh from a new connection):
 * the caller answers it 200 with `sdp`, sent again every 500 ms until the ACK comes, as a UA
 * does for a 2xx (RFC 3261 §13.3.1.4): a UDP datagram lost between the Kamailios is repaired.
 * The ACK's `recv` is the scenario's own.
 */
export const reinviteAnswered = (c: Caller, sdp: string) => `
  <send retrans="500">
    <![CDATA[

${OK_TO_LAST}
      Contact: <sip:${c.caller}@[local_ip]:[local_port]>
      Content-Type: application/sdp
      Content-Length: [len]

${sdp}

    ]]>
  </send>`;

/** The caller hangs up an answered call, along the recorded route. */
export const bye = (c: Caller) => `
  <send retrans="500">
    <![CDATA[

      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      ${from(c)}
      [last_To:]
      [routes]
      Call-ID: [call_id]
      CSeq: 2 BYE
      Contact: <sip:${c.caller}@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>`;

/** The agent hangs up: the caller takes the BYE and answers it 200. */
export const byeAnswered = `
  <recv request="BYE" />
  <send>
    <![CDATA[

${OK_TO_LAST}
      Content-Length: 0

    ]]>
  </send>`;

/** A whole scenario document around `body`, with the `-set` variables it reads. */
export const scenario = (name: string, variables: string[], body: string) =>
  `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="${name}">
  <Global variables="${variables.join(',')}" />
${body}
</scenario>
`;
