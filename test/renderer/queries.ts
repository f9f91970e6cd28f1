/**
 * Role-and-name queries (a small stand-in for Testing Library, which this project does not
 * install): tests find controls the way an agent's screen reader does, never by CSS class.
 * Implements the parts of the ARIA name computation the window uses: aria-labelledby,
 * aria-label, <label>, content (minus aria-hidden parts) and title.
 */
import { DOMWrapper, flushPromises } from '@vue/test-utils';

const CONTENT_ROLES = new Set([
  'button',
  'link',
  'menuitem',
  'heading',
  'cell',
  'rowheader',
  'columnheader',
  'option',
  'tab',
  'checkbox',
]);

function implicitRole(el: Element): string | null {
  const tag = el.tagName.toLowerCase();
  const type = (el.getAttribute('type') ?? 'text').toLowerCase();
  switch (tag) {
    case 'button':
      return 'button';
    case 'a':
      return el.hasAttribute('href') ? 'link' : null;
    case 'input':
      if (['button', 'submit', 'reset'].includes(type)) return 'button';
      if (type === 'checkbox') return 'checkbox';
      if (type === 'radio') return 'radio';
      if (type === 'number') return 'spinbutton';
      if (type === 'password' || type === 'hidden') return null;
      // A text input with a suggestion list is a combobox (ARIA in HTML).
      return el.hasAttribute('list') ? 'combobox' : 'textbox';
    case 'select':
      return 'combobox';
    case 'textarea':
      return 'textbox';
    case 'h1':
    case 'h2':
    case 'h3':
    case 'h4':
      return 'heading';
    case 'table':
      return 'table';
    case 'tr':
      return 'row';
    case 'nav':
      return 'navigation';
    case 'main':
      return 'main';
    case 'header':
      return el.closest('article, aside, main, nav, section') ? null : 'banner';
    case 'ul':
    case 'ol':
      return 'list';
    case 'li':
      return 'listitem';
    case 'option':
      return 'option';
    case 'dialog':
      return 'dialog';
    default:
      return null;
  }
}

export function roleOf(el: Element): string | null {
  return el.getAttribute('role')?.split(' ')[0] ?? implicitRole(el);
}

function isHidden(el: Element): boolean {
  for (let e: Element | null = el; e; e = e.parentElement) {
    if (e.getAttribute('aria-hidden') === 'true' || e.hasAttribute('hidden')) return true;
  }
  return false;
}

function textOf(node: Node, skip?: Element): string {
  if (node.nodeType === 3) return node.textContent ?? '';
  if (node.nodeType !== 1) return '';
  const el = node as Element;
  if (el === skip || el.getAttribute('aria-hidden') === 'true') return '';
  if (['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName) && skip) return '';
  return Array.from(el.childNodes)
    .map((c) => textOf(c, skip))
    .join('');
}

const clean = (s: string) => s.replace(/\s+/g, ' ').trim();

export function nameOf(el: Element): string {
  const doc = el.ownerDocument;
  const labelledBy = el.getAttribute('aria-labelledby');
  if (labelledBy) {
    return clean(
      labelledBy
        .split(/\s+/)
        .map((id) => {
          const ref = doc.getElementById(id);
          return ref ? textOf(ref) : '';
        })
        .join(' '),
    );
  }
  const label = el.getAttribute('aria-label');
  if (label) return clean(label);
  if (['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName)) {
    const labels: Element[] = [];
    if (el.id) labels.push(...Array.from(doc.querySelectorAll(`label[for="${el.id}"]`)));
    const wrapping = el.closest('label');
    if (wrapping && !labels.includes(wrapping)) labels.push(wrapping);
    if (labels.length) return clean(labels.map((l) => textOf(l, el)).join(' '));
  }
  if (CONTENT_ROLES.has(roleOf(el) ?? '')) {
    const text = clean(textOf(el));
    if (text) return text;
  }
  return clean(el.getAttribute('title') ?? '');
}

export interface RoleOptions {
  name?: string | RegExp;
}

function matches(el: Element, role: string, options: RoleOptions): boolean {
  if (roleOf(el) !== role || isHidden(el)) return false;
  if (options.name === undefined) return true;
  const name = nameOf(el);
  return typeof options.name === 'string' ? name === options.name : options.name.test(name);
}

export function queryAllByRole(
  role: string,
  options: RoleOptions = {},
  root: ParentNode = document.body,
): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>('*')).filter((el) =>
    matches(el, role, options),
  );
}

function describe(role: string, options: RoleOptions): string {
  return `role "${role}"${options.name !== undefined ? ` named ${String(options.name)}` : ''}`;
}

export function queryByRole(
  role: string,
  options: RoleOptions = {},
  root?: ParentNode,
): HTMLElement | null {
  const found = queryAllByRole(role, options, root);
  if (found.length > 1) throw new Error(`${found.length} elements with ${describe(role, options)}`);
  return found[0] ?? null;
}

export function getByRole(role: string, options: RoleOptions = {}, root?: ParentNode): HTMLElement {
  const found = queryByRole(role, options, root);
  if (!found) {
    const names = queryAllByRole(role, {}, root).map((e) => JSON.stringify(nameOf(e)));
    throw new Error(`No element with ${describe(role, options)}; ${role}s: ${names.join(', ')}`);
  }
  return found;
}

/** A form control by its label (also finds password inputs, which have no role). */
export function getByLabel(name: string | RegExp, root: ParentNode = document.body): HTMLElement {
  const found = Array.from(root.querySelectorAll<HTMLElement>('input, select, textarea')).filter(
    (el) => {
      const n = nameOf(el);
      return !isHidden(el) && (typeof name === 'string' ? n === name : name.test(n));
    },
  );
  if (found.length !== 1) throw new Error(`${found.length} controls labelled ${String(name)}`);
  return found[0]!;
}

/** Visible text of the whole page (or an element), whitespace-normalised. */
export function textIn(root: Element = document.body): string {
  return clean(root.textContent ?? '');
}

export async function click(el: HTMLElement): Promise<void> {
  el.click();
  await flushPromises();
  // A click may open a screen that loads on first use (an async component): let it resolve.
  await new Promise((resolve) => setTimeout(resolve, 0));
  await flushPromises();
}

export async function type(el: HTMLElement, value: string | boolean | number): Promise<void> {
  await new DOMWrapper(el).setValue(value);
  await flushPromises();
}

export async function key(el: HTMLElement, key: string): Promise<void> {
  el.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
  await flushPromises();
}

export async function submit(form: HTMLElement): Promise<void> {
  form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  await flushPromises();
}
