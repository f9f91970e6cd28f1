/** The HID usage pages a headset's call control uses (HID Usage Tables: Telephony, LEDs). */
export const TELEPHONY_PAGE = 0x0b;
export const LED_PAGE = 0x08;
