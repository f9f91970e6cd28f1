/**
 * The day settings card's words (wrap-up, the no-answer guard, retention, screen-pop), loaded with
 * the card's own chunk and merged into both catalogs then (`day.settings`): the start-up
 * script carries only what the first screen needs. vue-i18n syntax as elsewhere.
 */
export const DAY_SETTINGS_ZH = {
  legend: '话后处理与来电',
  wrapUpSeconds: '话后处理时长（秒，全站默认，0 为关闭）',
  myWrapUpSeconds: '我的话后处理时长（秒，留空则用全站默认）',
  wrapUpReason: '话后处理原因',
  noAnswerLimit: '连续未接几次后设为忙碌（0 为关闭）',
  noAnswerReason: '未接时的忙碌原因',
  retention: '通话记录保留天数',
  screenPopUrl: "客户资料地址模板（可用 {'{'}caller{'}'}、{'{'}agent{'}'}、{'{'}callId{'}'}）",
  screenPopWhen: '何时打开客户资料',
  when: { ring: '来电振铃时', answer: '接听后', button: '只显示「客户资料」按钮' },
  screenPopHosts: '允许的主机（https，每行一个）',
  screenPopHttpHosts: '也允许 http 的主机（每行一个）',
  save: '保存',
  saved: '已保存。',
  invalid: '请检查填写的数值。',
  range: '请填写 {min} 到 {max} 之间的整数。',
  rangeOrEmpty: '请填写 {min} 到 {max} 之间的整数，或留空。',
  popProblems: {
    empty: '地址为空。',
    'not-a-url':
      "这不是一个完整的网址，例如 https://crm.example.com/search?phone={'{'}caller{'}'}。",
    scheme: '只能用 https 地址；http 只限下面「也允许 http 的主机」中的主机。',
    'host-not-allowed': '该主机不在「允许的主机」中：请把它加到下面的列表里。',
    'placeholder-outside-path-or-query':
      "占位符（如 {'{'}caller{'}'}）只能放在路径或查询参数中，不能放在协议或主机里。",
    'unknown-placeholder':
      "只能使用 {'{'}caller{'}'}、{'{'}agent{'}'} 和 {'{'}callId{'}'} 这三个占位符。",
    escaped: '填入号码后的地址会离开模板的网站：请检查路径和查询参数。',
    'too-long': '地址过长。',
  },
};

export const DAY_SETTINGS_EN: typeof DAY_SETTINGS_ZH = {
  legend: 'Wrap-up and calls',
  wrapUpSeconds: 'Wrap-up time (seconds, site default, 0 = off)',
  myWrapUpSeconds: 'My wrap-up time (seconds, empty = site default)',
  wrapUpReason: 'Wrap-up reason',
  noAnswerLimit: 'Set busy after this many unanswered calls in a row (0 = off)',
  noAnswerReason: 'Busy reason after unanswered calls',
  retention: 'Days of call history kept',
  screenPopUrl:
    "Customer record URL template ({'{'}caller{'}'}, {'{'}agent{'}'}, {'{'}callId{'}'})",
  screenPopWhen: 'When to open the customer record',
  when: {
    ring: 'When a call rings',
    answer: 'When answered',
    button: 'Only a “Customer record” button',
  },
  screenPopHosts: 'Allowed hosts (https, one per line)',
  screenPopHttpHosts: 'Hosts also allowed over http (one per line)',
  save: 'Save',
  saved: 'Saved.',
  invalid: 'Please check the values.',
  range: 'Enter a whole number from {min} to {max}.',
  rangeOrEmpty: 'Enter a whole number from {min} to {max}, or leave it empty.',
  popProblems: {
    empty: 'The address is empty.',
    'not-a-url':
      "This is not a whole web address, e.g. https://crm.example.com/search?phone={'{'}caller{'}'}.",
    scheme:
      'Only https addresses; http only for the hosts listed under “Hosts also allowed over http”.',
    'host-not-allowed': 'This host is not among the allowed hosts: add it to the list below.',
    'placeholder-outside-path-or-query':
      "Placeholders (such as {'{'}caller{'}'}) may stand only in the path or the query, not in the scheme or host.",
    'unknown-placeholder':
      "Only the placeholders {'{'}caller{'}'}, {'{'}agent{'}'} and {'{'}callId{'}'} can be used.",
    escaped: 'Filled in, the address would leave the template’s site: check its path and query.',
    'too-long': 'The address is too long.',
  },
};
