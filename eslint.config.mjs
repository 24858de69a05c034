// ESLint flat config: typescript-eslint's recommended rules, prettier owns formatting, and
// the Apps Script globals are allowed only in the adapter layer (src/gas) so the sync logic
// and the AmoCRM client stay plain TypeScript that runs the same in a unit test.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const GAS_GLOBALS = [
  'SpreadsheetApp',
  'UrlFetchApp',
  'PropertiesService',
  'CacheService',
  'LockService',
  'ScriptApp',
  'ContentService',
  'HtmlService',
  'Utilities',
  'Session',
  'Logger',
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.sandbox/', 'tmp-*'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-var': 'error',
      'prefer-const': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/gas/**', 'src/main.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...GAS_GLOBALS.map(name => ({ name, message: 'Apps Script services belong in src/gas/.' })),
        ...['setTimeout', 'process', 'Buffer', 'fetch', 'require'].map(name => ({
          name,
          message: 'Not available in Apps Script.',
        })),
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly', process: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs', 'scripts/**'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  }
);
