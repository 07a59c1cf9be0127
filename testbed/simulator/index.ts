export { Simulator, repositoryView } from './server.js';
export { ensureCertificates, DEFAULT_CERT_DIR } from './certs.js';
export type { TestCertificates } from './certs.js';
export { seedDemo, DEMO_IDS } from './demo-data.js';
export type { DemoData } from './demo-data.js';
export type {
  Fault,
  OrgInit,
  PlanInit,
  RepoInit,
  RequestRecord,
  SimAzureProject,
  SimOrg,
  SimPlan,
  SimRepo,
  SimulatorOptions,
  SimulatorUser,
} from './types.js';
