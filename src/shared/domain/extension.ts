/** Extensions (分机): the agent's phone on the platform (docs/platform-api/agent-api.md §5). */

/** The only extension type the platform supports: a SIP terminal. */
export const SIP_EXTENSION_TYPE = 1;
export const EXTENSION_USER_PATTERN = /^[0-9]{6,12}$/;
export const EXTENSION_PASSWORD_PATTERN = /^[A-Za-z0-9]{6,12}$/;
/** Extension ids are UUID hex strings on the platform. */
export const EXTENSION_ID_PATTERN = /^[0-9A-Za-z]{1,64}$/;
