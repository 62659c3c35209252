import type { EventTables } from '@creditbank/events'
import type { IdempotencyTables } from '@creditbank/service-kit'
import type { ColumnType, Generated } from 'kysely'

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>

export interface OrganizationTable {
  id: string
  code: string
  name: string
  kind: string
  region_code: string
  school_level: string | null
  created_at: Timestamp
  created_by: string | null
}

export interface AppUserTable {
  id: string
  username: string
  password_hash: string
  display_name: string
  platform_admin: Generated<boolean>
  learner_id: string | null
  self_registered: Generated<boolean>
  created_at: Timestamp
  disabled_at: Date | null
  disabled_reason: string | null
  password_change_required: Generated<boolean>
  temporary_password_expires_at: Date | null
  session_version: Generated<number>
  last_sign_in_at: Date | null
}

export interface MembershipTable {
  user_id: string
  org_id: string
  role: string
  created_at: Timestamp
}

export interface ApiClientTable {
  id: string
  client_id: string
  secret_hash: string
  name: string
  org_id: string
  scopes: string[]
  created_by: string
  created_at: Timestamp
  revoked_at: Date | null
  revoked_by: string | null
}

export interface AuditEventTable {
  id: string
  at: Timestamp
  actor_id: string
  actor_name: string
  action: string
  target_kind: string
  target_id: string
  target_label: string
  org_ids: string[]
  ip: string | null
  user_agent: string | null
  detail: ColumnType<Record<string, unknown>, string, string>
}

export interface SigningKeyTable {
  kid: string
  private_key_sealed: string
  public_jwk: ColumnType<Record<string, unknown>, string, string>
  created_at: Timestamp
  retired_at: Date | null
  revoked_at: ColumnType<Date | null, Date | null | undefined, Date | null>
}

export interface LoginFailureTable {
  username: string
  failed_at: Timestamp
}

export interface IdentityDB extends EventTables, IdempotencyTables {
  organization: OrganizationTable
  app_user: AppUserTable
  membership: MembershipTable
  api_client: ApiClientTable
  signing_key: SigningKeyTable
  login_failure: LoginFailureTable
  audit_event: AuditEventTable
}
