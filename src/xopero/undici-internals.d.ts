// undici's internal modules, imported by src/undici.ts, have no declarations of their own; that file gives
// each the type of its public counterpart.
declare module 'undici/lib/*';
