import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import boundaries from 'eslint-plugin-boundaries';
import { ALLOWED, ELECTRON, EXCEPTIONS, LAYERS, NO_NODE, ONLY_PACKAGES } from './eslint.layers.js';

const layer = (types) => ({ element: { types: { anyOf: types } } });
const others = (types) => Object.keys(LAYERS).filter((type) => !types.includes(type));

/** The boundaries/dependencies options built from the one table in eslint.layers.js. */
function layerPolicies() {
  return {
    default: 'disallow',
    message: 'Layer boundary: see the allowed-imports table in eslint.layers.js',
    checkAllOrigins: true,
    // An import of a local file that belongs to no layer (src/x.ts, test/...) is refused too.
    checkUnknownLocals: true,
    policies: [
      // Packages and Node built-ins are open to every layer, except as refused below.
      { allow: { to: { module: { origin: ['external', 'core'] } } } },
      ...Object.entries(ALLOWED).map(([from, to]) => ({
        from: layer([from]),
        allow: { to: layer([from, ...to]) },
      })),
      ...EXCEPTIONS.map((e) => ({
        from: layer([e.from]),
        allow: {
          dependency: { nodeKind: e.nodeKind },
          to: { element: { type: e.to }, file: { path: e.file } },
        },
      })),
      ...Object.entries(ONLY_PACKAGES).map(([from, packages]) => ({
        from: layer([from]),
        disallow: { to: { module: { origin: 'external', source: `!(${packages.join('|')})` } } },
        message: `${LAYERS[from]} may use only these packages: ${packages.join(', ')}.`,
      })),
      {
        from: layer(others(ELECTRON)),
        disallow: { to: { module: { origin: 'external', source: 'electron' } } },
        message: `Only ${ELECTRON.map((t) => LAYERS[t]).join(' and ')} may import electron.`,
      },
      {
        from: layer(NO_NODE),
        disallow: { to: { module: { origin: 'core' } } },
        message: `${NO_NODE.map((t) => LAYERS[t]).join(' and ')} import no Node built-ins.`,
      },
    ],
  };
}

export default tseslint.config(
  { ignores: ['node_modules', 'out', 'dist', 'coverage', 'reports', '.stryker-tmp*'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  // Layer boundaries: the table in eslint.layers.js, enforced by eslint-plugin-boundaries.
  {
    files: ['src/**/*.ts', 'src/**/*.vue'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': Object.entries(LAYERS).map(([type, folder]) => ({
        type,
        pattern: `${folder}/**`,
        partialMatch: false,
      })),
      // Dynamic imports count too: a lazy import of the emulator is still an import.
      'boundaries/dependency-nodes': ['import', 'export', 'dynamic-import'],
      'import/resolver': { node: { extensions: ['.ts', '.vue', '.js', '.mjs'] } },
    },
    rules: {
      'boundaries/dependencies': ['error', layerPolicies()],
    },
  },
  // Platform codes by name (PLATFORM_CODES.AGENT_NOT_FOUND), never as raw six-digit literals:
  // the error table in src/shared/domain/errors.ts is their one home.
  {
    files: ['src/**/*.ts', 'src/**/*.vue'],
    ignores: ['src/shared/domain/errors.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'Literal[value=/^[0-9]{6}$/]',
          message: 'Name platform codes through PLATFORM_CODES (src/shared/domain/errors.ts).',
        },
        {
          selector: 'TemplateElement[value.raw=/^[0-9]{6}$/]',
          message: 'Name platform codes through PLATFORM_CODES (src/shared/domain/errors.ts).',
        },
      ],
    },
  },
  prettier,
);
