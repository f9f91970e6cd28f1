/**
 * The skills editor's words, loaded with its chunk and merged into both catalogs then
 * (`skills`): the start-up script carries only what the first screen needs.
 */
export const SKILLS_ZH = {
  heading: '技能',
  name: '技能名',
  score: '分值',
  enabled: '启用',
  scoreOf: '{name} 的分值',
  enabledOf: '启用 {name}',
  remove: '删除 {name}',
  add: '添加技能',
  newName: '新技能名',
  newScore: '新技能分值',
  newEnabled: '启用新技能',
  clearAll: '清空全部技能',
  save: '保存技能',
  reset: '撤销修改',
  saved: '技能已保存。',
  none: '暂无技能。',
  pendingChanges: '有 {n} 项修改待保存。',
  failed: '保存失败。',
  errors: {
    name: '请填写技能名。',
    duplicate: '已有同名技能。',
    score: '分值须为整数。',
    tooMany: '一次最多保存 {max} 项技能修改：请分几次保存。',
    refused: '保存失败：平台不接受这些技能修改，请检查技能名后重试。',
  },
};

export const SKILLS_EN: typeof SKILLS_ZH = {
  heading: 'Skills',
  name: 'Skill',
  score: 'Score',
  enabled: 'Enabled',
  scoreOf: 'Score of {name}',
  enabledOf: 'Enable {name}',
  remove: 'Remove {name}',
  add: 'Add skill',
  newName: 'New skill name',
  newScore: 'New skill score',
  newEnabled: 'Enable the new skill',
  clearAll: 'Clear all skills',
  save: 'Save skills',
  reset: 'Undo changes',
  saved: 'Skills saved.',
  none: 'No skills.',
  pendingChanges: '{n} change not saved yet. | {n} changes not saved yet.',
  failed: 'Saving failed.',
  errors: {
    name: 'Enter a skill name.',
    duplicate: 'A skill with that name exists.',
    score: 'The score must be a whole number.',
    tooMany: 'At most {max} skill changes can be saved at once: save them in several steps.',
    refused:
      'Saving failed: these skill changes were not accepted. Check the skill names and try again.',
  },
};
