/** The Xopero ONE Management Service's request and response shapes, as its documentation gives them. */

export interface Page<T> {
  currentPage: number;
  pageCount: number;
  totalEntries: number;
  result: T;
}

export interface LoginResponse {
  userId: string;
  accessToken: string;
}

export interface PlanStatus {
  successes: number;
  warnings: number;
  errors: number;
}

/** A plan as listed inside its organization (`/git/organizations/getmany`). */
export interface OrganizationPlan {
  id: string;
  name: string;
  backupType?: number;
  includeMetadata?: boolean;
  repoCount?: number;
  lastStatus?: PlanStatus;
  /** Epoch milliseconds; 0 = never. */
  planFinishedTime?: number;
  isRunning?: boolean;
}

export interface Organization {
  id: string;
  name: string;
  driver?: number;
  synchronizationInProgress?: boolean;
  totalRepositories?: number;
  protectedRepositories?: number;
  plans?: OrganizationPlan[];
}

export interface Repository {
  id: string;
  serverId?: string;
  /** Full path, `org/repo` (`group/subgroup/repo` on GitLab). */
  name: string;
  /** Epoch milliseconds; 0 = never. */
  lastBackup: number;
  lastSuccessfulBackup: number;
  /** Epoch milliseconds; 0 = not scheduled. */
  nextBackup: number;
  isProtected: boolean;
  isRemoved: boolean;
  status?: number;
  lastBackupTaskStatus?: number;
  isPublic?: boolean;
}

export interface RepositoryList {
  synchronizationInProgress: boolean;
  lastSynchronizationRepositoriesStartTime?: number;
  repositories: Repository[];
  removedRepositories?: number;
}

/** A plan with its members (`/plans/listassignedtoorganization`). */
export interface AssignedPlan {
  id: string;
  name: string;
  includeAllRepositories: boolean;
  repositoryIds: string[];
}

export interface Filter {
  property: string;
  operator: string;
  value: unknown;
}

export interface ActivationResponse {
  success?: string[];
  error?: Array<{ id: string; errorCode: string }>;
}

/** `/git/repositories/remove`: `errors` entries are `{ id, errorCode }` (the documentation shows only an empty list). */
export interface RemoveResponse {
  succeededIds?: string[];
  failedIds?: string[];
  errors?: Array<{ id?: string; errorCode?: string } | string>;
}
