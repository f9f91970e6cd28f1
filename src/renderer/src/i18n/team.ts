/**
 * The Team screen's words, loaded with its chunk and merged into both catalogs then (`team`):
 * the start-up script carries only what the first screen needs (as i18n/day-settings.ts).
 */
export const TEAM_ZH = {
  heading: '团队',
  refresh: '刷新',
  refreshing: '正在刷新…',
  pageSize: '每页人数',
  filter: '按状态筛选（本页）',
  all: '全部',
  name: '座席',
  num: '工号',
  state: '状态',
  extension: '分机',
  prev: '上一页',
  next: '下一页',
  page: '第 {page} / {pages} 页，共 {total} 人',
  empty: '没有座席。',
  noMatch: '本页没有处于该状态的座席。',
  updated: '更新于 {time}，每 15 秒自动刷新',
  failed: '无法读取团队。',
};

export const TEAM_EN: typeof TEAM_ZH = {
  heading: 'Team',
  refresh: 'Refresh',
  refreshing: 'Refreshing…',
  pageSize: 'Agents per page',
  filter: 'Filter by state (this page)',
  all: 'All',
  name: 'Agent',
  num: 'Job no.',
  state: 'State',
  extension: 'Extension',
  prev: 'Previous page',
  next: 'Next page',
  // One form per count (vue-i18n plural, chosen by total): 1 agent, 0 / 2+ agents.
  page: 'Page {page} of {pages}, {total} agent | Page {page} of {pages}, {total} agents',
  empty: 'No agents.',
  noMatch: 'No agent on this page is in that state.',
  updated: 'Updated {time}; refreshes every 15 s',
  failed: 'Cannot load the team.',
};
