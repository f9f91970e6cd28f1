/**
 * The skills editor's unsaved edit, kept while the agent looks at another screen (the editor is
 * unmounted then, so nothing here runs on a push or a ringing call). `base` is the list the edit
 * started from: the edit is base → draft, so skills added elsewhere meanwhile are left alone.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Skill } from '../../../shared/domain/agent';

const copy = (skills: readonly Skill[]) => skills.map((s) => ({ ...s }));

export const useSkillsDraftStore = defineStore('skills-draft', () => {
  /** The agent the edit belongs to: another agent signing in never sees it. */
  const owner = ref<string | null>(null);
  const base = ref<Skill[]>([]);
  const draft = ref<Skill[]>([]);
  const touched = ref(false);

  /** Starts over from the platform's list (no unsaved edit). */
  function start(agent: string | null, skills: readonly Skill[]): void {
    owner.value = agent;
    base.value = copy(skills);
    draft.value = copy(skills);
    touched.value = false;
  }
  /** Whether an unsaved edit of this agent's is kept. */
  function holds(agent: string | null): boolean {
    return touched.value && owner.value === agent;
  }
  return { owner, base, draft, touched, start, holds };
});
