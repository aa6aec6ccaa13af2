// Lint: TypeScript and Vue rules plus the architecture's layer rules
// (eslint-rules/layering.js). CI fails on any error.
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import globals from 'globals';
import layering from './eslint-rules/layering.js';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tools/**', 'models/fixtures/generated/**', 'tests/output/**', 'release/**'] },
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    plugins: { clipscan: { rules: { layering } } },
    rules: {
      'clipscan/layering': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      // Prettier lays out templates (npm run format); these layout rules would fight it.
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  { files: ['src-renderer/**'], languageOptions: { globals: globals.browser } },
  { files: ['src-main/**', 'scripts/**', 'tests/**', 'bench/**', 'bin/**', 'eslint-rules/**', '*.js', '*.ts'], languageOptions: { globals: globals.node } },
);
