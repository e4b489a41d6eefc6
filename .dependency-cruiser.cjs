/**
 * The import rules of the layered house (DESIGN section 3), checked by
 * `npm run check:imports` (part of `npm test`) through
 * tests/architecture/check-imports.mjs, which runs dependency-cruiser with
 * this file and adds the one rule it cannot express (no cycle between
 * top-level folders, type-only imports included).
 *
 * Every rule is an error and there is no baseline of known violations:
 * a rule that is broken fails the build. tests/architecture/import-rules.test.ts
 * plants one violation per rule in a copy of src/ and expects the check to
 * fail naming that rule, so a rule that silently stopped matching is caught.
 *
 * Vocabulary used below:
 * - an ADAPTER PORT is a file named `port.ts` anywhere under src/adapters
 *   (src/adapters/db/port.ts, src/adapters/brokers/port.ts, ...). It holds
 *   the types use cases and faces talk through; everything else under
 *   src/adapters is a concrete adapter.
 * - a TYPE-ONLY import is `import type {...}`, `import {type A, type B}`
 *   (every specifier marked type), `export type {...} from` or an inline
 *   `import('...').X` type. dependency-cruiser sees them because
 *   tsPreCompilationDeps is on and tags them "type-only" / "type-import".
 *   An import that names only types but is not marked `type` counts as a
 *   value import: mark it.
 */

/** Dependency types that never survive compilation. */
const TYPE_ONLY = ['type-only', 'type-import'];
/** An adapter port: the only part of src/adapters use cases and faces may see. */
const ADAPTER_PORT = '^src/adapters/.+/port\\.ts$';
/** Packages that are infrastructure; use cases reach them through ports. */
const INFRA_PACKAGES = '(^|/)node_modules/(@types/)?(typeorm|pg|ioredis|bullmq|telegraf)/';
/** telegraf and its type packages. */
const TELEGRAF = '(^|/)node_modules/(telegraf|@telegraf/[^/]+|typegram)/';

/** A rule that `from` may import nothing under src/ but the listed folders. */
function onlyLayers(name, comment, from, allowed) {
  return {
    name,
    comment,
    severity: 'error',
    from: { path: `^src/${from}/` },
    to: { path: '^src/', pathNot: `^src/(${allowed.join('|')})/` },
  };
}

module.exports = {
  forbidden: [
    {
      name: 'engine-only-engine-and-zod',
      comment:
        'src/engine is the pure domain: it imports only src/engine and the zod package (no node builtins, no I/O, no other layer).',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { pathNot: ['^src/engine/', '(^|/)node_modules/zod/'] },
    },
    onlyLayers('lib-only-lib', 'src/lib is the shared kernel: it imports only src/lib.', 'lib', ['lib']),
    onlyLayers(
      'adapters-only-adapters-engine-lib',
      'src/adapters (I/O behind ports) imports only src/adapters, src/engine and src/lib.',
      'adapters',
      ['adapters', 'engine', 'lib'],
    ),
    onlyLayers(
      'trading-only-trading-engine-lib-ports',
      'src/trading (use cases) imports only src/trading, src/engine, src/lib and adapter ports (never jobs, bot, web, app, cli, dev).',
      'trading',
      ['trading', 'engine', 'lib', 'adapters'],
    ),
    {
      name: 'trading-no-infrastructure-packages',
      comment:
        'Use cases are transport- and storage-neutral: no typeorm, pg, ioredis, bullmq or telegraf, not even type-only (talk through a port).',
      severity: 'error',
      from: { path: '^src/trading/' },
      to: { path: INFRA_PACKAGES },
    },
    onlyLayers(
      'jobs-only-jobs-trading-engine-lib-ports',
      'src/jobs imports only src/jobs, src/trading, src/engine, src/lib and adapter ports; results reach a face through the Notifier port, never by importing bot, web, app or cli.',
      'jobs',
      ['jobs', 'trading', 'engine', 'lib', 'adapters'],
    ),
    onlyLayers(
      'bot-only-bot-trading-jobs-engine-lib-ports',
      'src/bot (Telegram face) imports only src/bot, src/trading, src/jobs, src/engine, src/lib and adapter ports; never web, app, cli or dev.',
      'bot',
      ['bot', 'trading', 'jobs', 'engine', 'lib', 'adapters'],
    ),
    onlyLayers(
      'web-only-web-trading-jobs-engine-lib-ports',
      'src/web (dashboard face) imports only src/web, src/trading, src/jobs, src/engine, src/lib and adapter ports; never bot, app, cli or dev.',
      'web',
      ['web', 'trading', 'jobs', 'engine', 'lib', 'adapters'],
    ),
    {
      name: 'app-not-cli',
      comment: 'src/app (composition root) imports everything but src/cli; src/cli sits on top.',
      severity: 'error',
      from: { path: '^src/app/' },
      to: { path: '^src/cli/' },
    },
    onlyLayers(
      'dev-only-dev-engine-lib-adapters',
      'src/dev (emulators of external APIs) imports only src/dev, src/engine, src/lib and src/adapters.',
      'dev',
      ['dev', 'engine', 'lib', 'adapters'],
    ),
    {
      name: 'adapter-ports-type-only',
      comment:
        'Use cases (trading), handlers (jobs) and faces (bot, web) see adapters only as types: a value import would pull a concrete adapter in. Write `import type`.',
      severity: 'error',
      from: { path: '^src/(trading|jobs|bot|web)/' },
      to: { path: '^src/adapters/', dependencyTypesNot: TYPE_ONLY },
    },
    {
      name: 'adapters-only-through-ports',
      comment:
        'Use cases, handlers and faces may import from src/adapters only its port.ts files; a concrete adapter is wired in by src/app.',
      severity: 'error',
      from: { path: '^src/(trading|jobs|bot|web)/' },
      to: { path: '^src/adapters/', pathNot: ADAPTER_PORT },
    },
    {
      name: 'dev-only-in-local-mode',
      comment:
        'Emulators are for tests, bench and local mode: inside src only src/app (local mode) and src/cli (the terminal chat of local mode) import src/dev.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(dev|app|cli)/' },
      to: { path: '^src/dev/' },
    },
    {
      name: 'app-and-cli-only-telegram-emulator',
      comment: 'src/app and src/cli may import only the Telegram emulator (src/dev/telegram), the one emulator in the production build.',
      severity: 'error',
      from: { path: '^src/(app|cli)/' },
      to: { path: '^src/dev/', pathNot: '^src/dev/telegram/' },
    },
    {
      name: 'build-reaches-only-telegram-emulator',
      comment:
        'tsconfig.build.json leaves the other emulators out of dist; nothing that is built (src outside src/dev, and src/dev/telegram) may reach them, directly or through other files, type-only included (tsc emits every file in the program).',
      severity: 'error',
      from: { path: '^src/(?!dev/)|^src/dev/telegram/' },
      to: { path: '^src/dev/(?!telegram/)', reachable: true },
    },
    {
      name: 'telegraf-only-in-bot-and-dev',
      comment: 'Outside src/bot and src/dev (the Telegram emulator) nothing imports telegraf or its types.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(bot|dev)/' },
      to: { path: TELEGRAF },
    },
    {
      name: 'no-circular',
      comment:
        'No cycle between files (type-only imports excluded: they vanish at compile time). check-imports.mjs also reports any cycle this rule misses (dependency-cruiser follows one cycle per import).',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, dependencyTypesNot: TYPE_ONLY, viaOnly: { dependencyTypesNot: TYPE_ONLY } },
    },
    {
      name: 'every-import-resolves',
      comment: 'An import the checker cannot resolve is an edge it cannot judge.',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // Resolve `.js` specifiers to the `.ts` sources through the project's tsconfig.
    tsConfig: { fileName: 'tsconfig.json' },
    // Keep type-only imports in the graph (tagged "type-only") instead of dropping them.
    tsPreCompilationDeps: true,
    doNotFollow: { path: '(^|/)node_modules/' },
    exclude: { path: '\\.md$' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: false,
  },
};
