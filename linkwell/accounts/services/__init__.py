"""Account writes: users, organisations, areas, memberships, sign-in protection and two-factor
(TOTP, RFC 6238). Every change writes its audit event in the same transaction.

Submodules, one subject each (import from here; inside the package, submodules import each
other directly):

- `records`: audited saves and deletes of account records, as the admin makes them
  (`account_record_save`, `account_record_delete`, `organisation_delete_refusal`), and the
  redaction of secrets (`SENSITIVE_FIELDS`, `REDACTED`).
- `users`: `user_create`, `user_password_set`, `administrator_create`.
- `organisations`: `organisation_create`.
- `memberships`: roles in organisations (`membership_grant`).
- `sign_in`: lockouts and the sign-in events (`sign_in_failure_record`,
  `sign_in_success_record`, `sign_out_record`, `user_unlock`, `AccountLocked` ...).
- `two_factor`: TOTP set-up and checks (`totp_secret_for_setup`, `totp_verify` ...) and
  `user_reset_two_factor`.
- `recovery_codes`: one-time codes for a lost authenticator (`recovery_codes_issue`,
  `recovery_code_use`, `recovery_codes_left`).
"""

from linkwell.accounts.services.memberships import membership_grant
from linkwell.accounts.services.organisations import organisation_create
from linkwell.accounts.services.records import (
    REDACTED,
    SENSITIVE_FIELDS,
    account_record_delete,
    account_record_save,
    organisation_delete_refusal,
)
from linkwell.accounts.services.recovery_codes import (
    recovery_code_use,
    recovery_codes_issue,
    recovery_codes_left,
)
from linkwell.accounts.services.sign_in import (
    AccountLocked,
    locked_message,
    sign_in_failure_record,
    sign_in_refused_client_limit_record,
    sign_in_refused_locked_record,
    sign_in_success_record,
    sign_out_record,
    unknown_email_locked_until,
    user_unlock,
)
from linkwell.accounts.services.two_factor import (
    totp_confirm_setup,
    totp_provisioning_uri,
    totp_secret_for_setup,
    totp_verify,
    user_reset_two_factor,
)
from linkwell.accounts.services.users import administrator_create, user_create, user_password_set

__all__ = [
    "REDACTED",
    "SENSITIVE_FIELDS",
    "AccountLocked",
    "account_record_delete",
    "account_record_save",
    "administrator_create",
    "locked_message",
    "membership_grant",
    "organisation_create",
    "organisation_delete_refusal",
    "recovery_code_use",
    "recovery_codes_issue",
    "recovery_codes_left",
    "sign_in_failure_record",
    "sign_in_refused_client_limit_record",
    "sign_in_refused_locked_record",
    "sign_in_success_record",
    "sign_out_record",
    "totp_confirm_setup",
    "totp_provisioning_uri",
    "totp_secret_for_setup",
    "totp_verify",
    "unknown_email_locked_until",
    "user_create",
    "user_password_set",
    "user_reset_two_factor",
    "user_unlock",
]
