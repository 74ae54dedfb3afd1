/**
 * Dependency rules for `npm run lint` (dependency-cruiser): the seams of docs/development.md's map,
 * held by a tool rather than by review. Type-only imports count as dependencies.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycles: each module can be read (and tested) after the ones it needs.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'dashboard-only-api-types',
      comment:
        'The dashboard talks to the server over HTTP; of the server it imports only the plain modules of api/: the API types (@spendlens/server/api-types) and the dashboard links alerts also write (@spendlens/server/dashboard-link).',
      severity: 'error',
      from: { path: '^packages/dashboard/src/' },
      to: {
        path: '^(packages/server/|@spendlens/server)',
        pathNot:
          '^(@spendlens/server/(api-types|dashboard-link)$|packages/server/(src|dist)/api/(api-types|dashboard-link)\\.)',
      },
    },
    {
      name: 'dashboard-no-sdk-code',
      comment:
        'The SDK runs in the app; the dashboard bundles none of it (types through the API types only).',
      severity: 'error',
      from: { path: '^packages/dashboard/src/' },
      to: { path: '^(packages/sdk/|spendlens($|/))' },
    },
    {
      name: 'ingest-not-http',
      comment: 'Ingest raises its own errors (ingest/ingest-error.ts); the HTTP edge maps them.',
      severity: 'error',
      from: { path: '^packages/server/src/ingest/' },
      to: { path: '^packages/server/src/http/' },
    },
    {
      name: 'engines-through-the-store-contract',
      comment:
        'Outside store/, engines are reached through store/store.ts, store/open-store.ts and store/batch-format.ts (index.ts re-exports the DuckDB store for embedders).',
      severity: 'error',
      from: {
        path: '^packages/server/src/',
        pathNot: ['^packages/server/src/store/', '^packages/server/src/index\\.ts$'],
      },
      to: { path: '^packages/server/src/store/(duckdb|clickhouse)/' },
    },
    {
      name: 'one-engine-at-a-time',
      comment: 'An engine folder does not reach into the other engine.',
      severity: 'error',
      from: { path: '^packages/server/src/store/(duckdb|clickhouse)/' },
      to: {
        path: '^packages/server/src/store/(duckdb|clickhouse)/',
        pathNot: '^packages/server/src/store/$1/',
      },
    },
    {
      name: 'query-layer-below-the-store',
      comment:
        'The query layer (model, compiler, planner, runner) knows no store: stores use it, never the reverse.',
      severity: 'error',
      from: { path: '^packages/server/src/(query|schema|api)/' },
      to: { path: '^packages/server/src/(store|ingest|http|jobs|data-transfer|demo)/' },
    },
    {
      name: 'api-types-are-plain',
      comment:
        'The API types are bundled into the dashboard: types from the SDK only, nothing that runs on import.',
      severity: 'error',
      from: { path: '^packages/server/src/api/' },
      to: { path: '^(?!packages/server/src/api/)', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'sdk-stands-alone',
      comment: 'The SDK is published on its own: it imports neither the server nor the dashboard.',
      severity: 'error',
      from: { path: '^packages/sdk/src/' },
      to: { path: '^packages/(server|dashboard)/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    // Built output and packages are leaves: seen as targets, never cruised into.
    doNotFollow: { path: '(^|/)(node_modules|dist)/' },
    exclude: { path: '\\.test\\.tsx?$' },
    tsConfig: { fileName: 'tsconfig.depcruise.json' },
  },
}
