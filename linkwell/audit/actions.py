"""Every action the audit trail records, in one place.

`AuditEvent.action` stores the member's value. The values are the strings the trail has always
held, so existing rows keep their meaning: never rename a value, only add new members (a retired
action stays listed while rows may carry it). Member names are the value in capitals with dots
as underscores, so a stored value leads straight to the code that writes it.

The column itself carries no `choices` (linkwell/audit/models.py): adding an action must not
need a migration, and rows written under an action later retired stay valid.
"""

from __future__ import annotations

import enum

from django.db import models


@enum.unique
class AuditAction(models.TextChoices):
    # --- audit: reads of personal data and exports of the trail --------------------------------
    ACCESS = "access"  # audit_access(), and the bulk list logs in casework's views
    AUDIT_EXPORTED = "audit_exported"

    # --- accounts: records kept through the admin (account_record_save/_delete) ---------------
    AREA_CREATED = "area_created"
    AREA_UPDATED = "area_updated"
    AREA_DELETED = "area_deleted"
    ORGANISATION_CREATED = "organisation_created"
    ORGANISATION_UPDATED = "organisation_updated"
    ORGANISATION_DELETED = "organisation_deleted"
    MEMBERSHIP_CREATED = "membership_created"
    MEMBERSHIP_UPDATED = "membership_updated"
    MEMBERSHIP_DELETED = "membership_deleted"
    USER_CREATED = "user_created"
    USER_UPDATED = "user_updated"
    USER_DELETED = "user_deleted"

    # --- accounts: passwords, lockouts and two-factor ------------------------------------------
    # (S105: these are the names of events, not passwords.)
    PASSWORD_CHANGED = "password_changed"  # noqa: S105
    PASSWORD_CHANGED_BY_ADMINISTRATOR = "password_changed_by_administrator"  # noqa: S105
    ACCOUNT_UNLOCKED = "account_unlocked"
    ACCOUNT_LOCKED = "account_locked"
    TWO_FACTOR_RESET = "two_factor_reset"
    TWO_FACTOR_SETUP_STARTED = "two_factor_setup_started"
    TWO_FACTOR_ENABLED = "two_factor_enabled"
    TWO_FACTOR_PASSED = "two_factor_passed"
    TWO_FACTOR_RECOVERY_CODES_ISSUED = "two_factor_recovery_codes_issued"
    TWO_FACTOR_RECOVERY_CODE_USED = "two_factor_recovery_code_used"
    TWO_FACTOR_KEYS_ROTATED = "two_factor_keys_rotated"

    # --- accounts: signing in and out ---------------------------------------------------------
    SIGNED_IN = "signed_in"
    SIGNED_OUT = "signed_out"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_IN_REFUSED_LOCKED = "sign_in_refused_locked"
    # Too many failed sign-ins from one client address, across any emails.
    SIGN_IN_REFUSED_CLIENT_LIMIT = "sign_in_refused_client_limit"

    # --- people: the person record -------------------------------------------------------------
    PEOPLE_PERSON_CREATED = "people.person_created"
    PEOPLE_PERSON_UPDATED = "people.person_updated"
    PEOPLE_REGISTERED_PRACTICE_RECORDED = "people.registered_practice_recorded"
    PEOPLE_PERSON_MERGED = "people.person_merged"
    PEOPLE_PERSON_MERGED_AWAY = "people.person_merged_away"
    PEOPLE_SMS_UNREACHABLE_FLAGGED = "people.sms_unreachable_flagged"

    # --- directory: services and organisations (also written by community and the importer) ---
    DIRECTORY_ORGANIZATION_CREATED = "directory.organization_created"
    DIRECTORY_ORGANIZATION_UPDATED = "directory.organization_updated"
    DIRECTORY_SERVICE_CREATED = "directory.service_created"
    DIRECTORY_SERVICE_UPDATED = "directory.service_updated"
    DIRECTORY_SERVICE_STATUS_CHANGED = "directory.service_status_changed"
    DIRECTORY_SERVICE_CAPACITY_CHANGED = "directory.service_capacity_changed"
    DIRECTORY_SERVICE_VERIFIED = "directory.service_verified"
    DIRECTORY_QUALITY_CHECK_RECORDED = "directory.quality_check_recorded"
    DIRECTORY_VERIFICATION_REMINDER_SENT = "directory.verification_reminder_sent"
    DIRECTORY_VERIFICATION_REMINDER_FAILED = "directory.verification_reminder_failed"
    DIRECTORY_VERIFICATION_REMINDER_NOT_SENT = "directory.verification_reminder_not_sent"

    # --- directory: taxonomies (the bundled vocabulary and HSDS imports) ----------------------
    DIRECTORY_TAXONOMY_SEED = "directory.taxonomy_seed"
    DIRECTORY_TAXONOMY_CREATED = "directory.taxonomy_created"
    DIRECTORY_TAXONOMY_UPDATED = "directory.taxonomy_updated"
    DIRECTORY_TAXONOMY_TERM_CREATED = "directory.taxonomy_term_created"
    DIRECTORY_TAXONOMY_TERM_UPDATED = "directory.taxonomy_term_updated"

    # --- directory: harvesting remote feeds and merging duplicate listings ---------------------
    DIRECTORY_FEED_SOURCE_CREATED = "directory.feed_source_created"
    DIRECTORY_FEED_SOURCE_UPDATED = "directory.feed_source_updated"
    DIRECTORY_HARVEST_SUCCEEDED = "directory.harvest_succeeded"
    DIRECTORY_HARVEST_FAILED = "directory.harvest_failed"
    DIRECTORY_DUPLICATE_MERGED = "directory.duplicate_merged"
    DIRECTORY_DUPLICATE_DISMISSED = "directory.duplicate_dismissed"

    # --- referrals: a referral in, and triage --------------------------------------------------
    REFERRALS_REFERRAL_RECEIVED = "referrals.referral_received"
    REFERRALS_REFERRAL_ACCEPTED = "referrals.referral_accepted"
    REFERRALS_REFERRAL_RETURNED = "referrals.referral_returned"
    REFERRALS_REFERRAL_DECLINED = "referrals.referral_declined"
    REFERRALS_REFERRAL_FIRST_CONTACT = "referrals.referral_first_contact"

    # --- fhir: API clients, and referrals received and cancelled through the FHIR API ----------
    FHIR_API_CLIENT_CREATED = "fhir.api_client_created"
    FHIR_API_CLIENT_REVOKED = "fhir.api_client_revoked"
    FHIR_API_TOKEN_ISSUED = "fhir.api_token_issued"  # noqa: S105 (an event name)
    FHIR_REFERRAL_RECEIVED = "fhir.referral_received"
    FHIR_REFERRAL_CANCELLED = "fhir.referral_cancelled"

    # --- casework: the case ---------------------------------------------------------------------
    CASEWORK_CASE_OPENED = "casework.case_opened"
    CASEWORK_CASE_EPISODE_ADDED = "casework.case_episode_added"
    CASEWORK_CASE_STATUS_CHANGED = "casework.case_status_changed"
    CASEWORK_CASE_REOPENED = "casework.case_reopened"
    CASEWORK_CASE_COMPLEXITY_CHANGED = "casework.case_complexity_changed"
    CASEWORK_CASE_REASSIGNED = "casework.case_reassigned"
    CASEWORK_CASE_NEXT_CONTACT_SET = "casework.case_next_contact_set"
    CASEWORK_CASE_FIRST_CONTACT = "casework.case_first_contact"
    CASEWORK_CASE_NOTE_ADDED = "casework.case_note_added"
    CASEWORK_SAFEGUARDING_CONCERN_RAISED = "casework.safeguarding_concern_raised"
    CASEWORK_SAFEGUARDING_CONCERN_RESOLVED = "casework.safeguarding_concern_resolved"

    # --- casework: appointments, review, plan, follow-up and the message back -----------------
    CASEWORK_APPOINTMENT_BOOKED = "casework.appointment_booked"
    CASEWORK_APPOINTMENT_OUTCOME_RECORDED = "casework.appointment_outcome_recorded"
    CASEWORK_REVIEW_RECORDED = "casework.review_recorded"
    CASEWORK_REVIEW_UPDATED = "casework.review_updated"
    CASEWORK_PLAN_SAVED = "casework.plan_saved"
    CASEWORK_PLAN_AGREED = "casework.plan_agreed"
    CASEWORK_PLAN_ACTION_DONE = "casework.plan_action_done"
    CASEWORK_PLAN_ACTION_REOPENED = "casework.plan_action_reopened"
    CASEWORK_PLAN_SENT = "casework.plan_sent"
    CASEWORK_PLAN_NOT_SENT = "casework.plan_not_sent"
    CASEWORK_PLAN_MARKED_FOR_POST = "casework.plan_marked_for_post"
    CASEWORK_FOLLOW_UPS_SCHEDULED = "casework.follow_ups_scheduled"
    CASEWORK_FOLLOW_UP_COMPLETED = "casework.follow_up_completed"
    CASEWORK_FOLLOW_UP_REMINDER_SENT = "casework.follow_up_reminder_sent"
    CASEWORK_FOLLOW_UP_REMINDER_FAILED = "casework.follow_up_reminder_failed"
    # The reminder was handled but did not leave Linkwell (the development backend).
    CASEWORK_FOLLOW_UP_REMINDER_NOT_SENT = "casework.follow_up_reminder_not_sent"
    CASEWORK_MESSAGE_BACK_WRITTEN = "casework.message_back_written"
    CASEWORK_MESSAGE_BACK_DELIVERY_QUEUED = "casework.message_back_delivery_queued"
    CASEWORK_MESSAGE_BACK_DELIVERY_SENT = "casework.message_back_delivery_sent"
    CASEWORK_MESSAGE_BACK_DELIVERY_RETRYING = "casework.message_back_delivery_retrying"
    CASEWORK_MESSAGE_BACK_DELIVERY_FAILED = "casework.message_back_delivery_failed"
    CASEWORK_MESSAGE_BACK_DELIVERY_ACKNOWLEDGED = "casework.message_back_delivery_acknowledged"
    CASEWORK_MESSAGE_BACK_DELIVERY_REQUEUED = "casework.message_back_delivery_requeued"

    # --- connections: signposting and referrals on to providers --------------------------------
    CONNECTIONS_SIGNPOSTED = "connections.signposted"
    CONNECTIONS_REFERRAL_REQUESTED = "connections.referral_requested"
    CONNECTIONS_REFERRAL_ACCEPTED = "connections.referral_accepted"
    CONNECTIONS_REFERRAL_REJECTED = "connections.referral_rejected"
    CONNECTIONS_REFERRAL_STARTED = "connections.referral_started"
    CONNECTIONS_REFERRAL_ON_HOLD = "connections.referral_on_hold"
    CONNECTIONS_REFERRAL_RESUMED = "connections.referral_resumed"
    CONNECTIONS_REFERRAL_COMPLETED = "connections.referral_completed"
    CONNECTIONS_REFERRAL_FAILED = "connections.referral_failed"
    CONNECTIONS_REFERRAL_CANCELLED = "connections.referral_cancelled"
    CONNECTIONS_REFERRAL_LAPSED = "connections.referral_lapsed"
    CONNECTIONS_ATTENDANCE_RECORDED = "connections.attendance_recorded"
    CONNECTIONS_ATTENDANCE_CORRECTED = "connections.attendance_corrected"
    CONNECTIONS_ATTENDANCE_REMOVED = "connections.attendance_removed"
    CONNECTIONS_REGISTER_SAVED = "connections.register_saved"
    CONNECTIONS_ATTENDANCE_FILE_IMPORTED = "connections.attendance_file_imported"
    CONNECTIONS_PROVIDER_NOTE_ADDED = "connections.provider_note_added"
    CONNECTIONS_ATTENTION_ACKNOWLEDGED = "connections.attention_acknowledged"
    CONNECTIONS_GAP_RECORDED = "connections.gap_recorded"
    CONNECTIONS_REFERRAL_EMAIL_SENT = "connections.referral_email_sent"
    CONNECTIONS_REFERRAL_EMAIL_NOT_SENT = "connections.referral_email_not_sent"
    CONNECTIONS_RESPONSE_REMINDER_SENT = "connections.response_reminder_sent"
    CONNECTIONS_RESPONSE_REMINDER_NOT_SENT = "connections.response_reminder_not_sent"

    # --- matching: suggestions shown to a link worker and what they decided ------------------
    MATCHING_SUGGESTIONS_SHOWN = "matching.suggestions_shown"
    MATCHING_DECISION_RECORDED = "matching.decision_recorded"

    # --- outcomes: measures, schedules, alerts and self-completion links ---------------------
    OUTCOMES_MEASURE_RECORDED = "outcomes.measure_recorded"
    OUTCOMES_RISK_ALERT_RAISED = "outcomes.risk_alert_raised"
    OUTCOMES_LOCAL_MEASURE_ADDED = "outcomes.local_measure_added"
    OUTCOMES_SCHEDULE_SET = "outcomes.schedule_set"
    OUTCOMES_SELF_LINK_CREATED = "outcomes.self_link_created"
    OUTCOMES_SELF_LINK_SENT = "outcomes.self_link_sent"
    OUTCOMES_SELF_LINK_NOT_SENT = "outcomes.self_link_not_sent"
    OUTCOMES_SELF_LINK_REVOKED = "outcomes.self_link_revoked"
    OUTCOMES_SELF_LINK_USED = "outcomes.self_link_used"

    # --- community: suggestions from the public, contact confirmation, timetables -------------
    COMMUNITY_SUGGESTION_SUBMITTED = "community.suggestion_submitted"
    COMMUNITY_SUGGESTION_UPDATED = "community.suggestion_updated"
    COMMUNITY_SUGGESTION_APPROVED = "community.suggestion_approved"
    COMMUNITY_SUGGESTION_REJECTED = "community.suggestion_rejected"
    COMMUNITY_SUGGESTION_MERGED = "community.suggestion_merged"
    COMMUNITY_VENUE_REQUEST_DECIDED = "community.venue_request_decided"
    COMMUNITY_CONTACT_CONFIRMED = "community.contact_confirmed"
    COMMUNITY_CONTACT_CONFIRMATION_SENT = "community.contact_confirmation_sent"
    COMMUNITY_TIMETABLE_ATTACHED = "community.timetable_attached"
    COMMUNITY_TIMETABLE_REMOVED = "community.timetable_removed"
    COMMUNITY_TIMETABLE_IMPORTED = "community.timetable_imported"
    COMMUNITY_TIMETABLE_IMPORT_FAILED = "community.timetable_import_failed"

    # --- volunteering: the volunteer's side (introductions, activity, concerns) ---------------
    VOLUNTEERING_MATCH_ACCEPTED = "volunteering.match_accepted"
    VOLUNTEERING_MATCH_DECLINED = "volunteering.match_declined"
    VOLUNTEERING_ACTIVITY_LOGGED = "volunteering.activity_logged"
    VOLUNTEERING_ACTIVITY_CONCERN_RAISED = "volunteering.activity_concern_raised"
    VOLUNTEERING_ACTIVITY_CONCERN_RESOLVED = "volunteering.activity_concern_resolved"

    # --- population: invite lists --------------------------------------------------------------
    POPULATION_INVITE_LIST_UPLOADED = "population.invite_list_uploaded"
    POPULATION_INVITE_ENTRIES_REQUESTED = "population.invite_entries_requested"
    POPULATION_INVITE_ENTRIES_NOT_SUITABLE = "population.invite_entries_not_suitable"
    POPULATION_INVITE_ENTRY_CLOSED = "population.invite_entry_closed"
    POPULATION_INVITE_ENTRY_CONFIRMED = "population.invite_entry_confirmed"
    POPULATION_EXCLUSIONS_EXPORTED = "population.exclusions_exported"

    # --- evidence: imported reference data and the evaluation extract ------------------------
    IMD_LOOKUP_IMPORTED = "imd_lookup_imported"
    ACTIVITY_EXTRACT_IMPORTED = "activity_extract_imported"
    POPULATION_PROFILE_IMPORTED = "population_profile_imported"
    UNIT_COST_SET = "unit_cost_set"
    EVALUATION_EXTRACT_EXPORTED = "evaluation_extract_exported"
    GAP_RECIPIENT_SET = "gap_recipient_set"
    GAP_DIGEST_SENT = "gap_digest_sent"

    # --- reports: exports, unsuppressed figures and patient stories ---------------------------
    QUARTERLY_REPORT_EXPORTED = "quarterly_report_exported"
    REFERRALS_REPORT_EXPORTED = "referrals_report_exported"
    UNSUPPRESSED_FIGURES_ACCESSED = "unsuppressed_figures_accessed"
    PATIENT_STORY_RECORDED = "patient_story_recorded"
    PATIENT_STORY_UPDATED = "patient_story_updated"
    PATIENT_STORY_CONSENT_WITHDRAWN = "patient_story_consent_withdrawn"

    # --- volunteering: the report ------------------------------------------------------------------
    VOLUNTEERING_REPORT_EXPORTED = "volunteering.report_exported"
    # --- volunteering: support requests, introductions, reviews and endings -------------------
    VOLUNTEERING_REQUEST_CREATED = "volunteering.request_created"
    VOLUNTEERING_REQUEST_CLOSED = "volunteering.request_closed"
    VOLUNTEERING_REQUEST_MEMBER_EXCLUDED = "volunteering.request_member_excluded"
    VOLUNTEERING_MATCH_INTRODUCED = "volunteering.match_introduced"
    VOLUNTEERING_MATCH_REVIEWED = "volunteering.match_reviewed"
    VOLUNTEERING_MATCH_ENDED = "volunteering.match_ended"

    # --- demo data (linkwell demo) ---------------------------------------------------------------
    DEMO_LOAD = "demo.load"
    DEMO_RESET = "demo.reset"

    # --- volunteering: members, roles, checks (linkwell/volunteering/services) ----------------
    VOLUNTEERING_MEMBER_CREATED = "volunteering.member_created"
    VOLUNTEERING_MEMBER_REGISTERED = "volunteering.member_registered"
    VOLUNTEERING_MEMBER_UPDATED = "volunteering.member_updated"
    VOLUNTEERING_MEMBER_PERSON_LINKED = "volunteering.member_person_linked"
    VOLUNTEERING_MEMBER_PERSON_UNLINKED = "volunteering.member_person_unlinked"
    VOLUNTEERING_ROLE_ADDED = "volunteering.role_added"
    VOLUNTEERING_ROLE_MOVED = "volunteering.role_moved"
    VOLUNTEERING_CHECK_RECORDED = "volunteering.check_recorded"
    VOLUNTEERING_SUPERVISION_RECORDED = "volunteering.supervision_recorded"
    VOLUNTEERING_CHECK_REMINDER_SENT = "volunteering.check_reminder_sent"
    VOLUNTEERING_SELF_REFERRAL_RECEIVED = "volunteering.self_referral_received"

    # --- ops: subject access and the retention policy (linkwell/ops) --------------------------
    OPS_SUBJECT_ACCESS_EXPORTED = "ops.subject_access_exported"
    OPS_RETENTION_APPLIED = "ops.retention_applied"
    OPS_PERSON_PSEUDONYMISED = "ops.person_pseudonymised"
    OPS_PUBLIC_SUBMISSION_DELETED = "ops.public_submission_deleted"
    # --- coproduction: self-assessments and their actions (linkwell/coproduction/services) ----
    COPRODUCTION_ASSESSMENT_STARTED = "coproduction.assessment_started"
    COPRODUCTION_ASSESSMENT_SAVED = "coproduction.assessment_saved"
    COPRODUCTION_ASSESSMENT_COMPLETED = "coproduction.assessment_completed"
    COPRODUCTION_ASSESSMENT_DISCARDED = "coproduction.assessment_discarded"
    COPRODUCTION_ACTION_ADDED = "coproduction.action_added"
    COPRODUCTION_ACTION_STATUS_CHANGED = "coproduction.action_status_changed"
    # --- grants: programmes, rounds, applications, assessment, awards, payments, monitoring ----
    GRANTS_PROGRAMME_CREATED = "grants.programme_created"
    GRANTS_TIER_ADDED = "grants.tier_added"
    GRANTS_ROUND_CREATED = "grants.round_created"
    GRANTS_CRITERION_ADDED = "grants.criterion_added"
    GRANTS_PANEL_MEMBER_ADDED = "grants.panel_member_added"
    GRANTS_APPLICATION_SUBMITTED = "grants.application_submitted"
    GRANTS_CONFLICT_DECLARED = "grants.conflict_declared"
    GRANTS_APPLICATION_SCORED = "grants.application_scored"
    GRANTS_APPLICATION_AWARDED = "grants.application_awarded"
    GRANTS_APPLICATION_DECLINED = "grants.application_declined"
    GRANTS_PAYMENT_RECORDED = "grants.payment_recorded"
    GRANTS_MONITORING_REPORTED = "grants.monitoring_reported"
    GRANTS_PROGRAMME_UPDATED = "grants.programme_updated"
    GRANTS_TIER_UPDATED = "grants.tier_updated"
    GRANTS_ROUND_UPDATED = "grants.round_updated"
    GRANTS_CRITERION_UPDATED = "grants.criterion_updated"
    GRANTS_PANEL_MEMBER_REMOVED = "grants.panel_member_removed"
    # --- timebank: members, accounts, the ledger, offers and support packages ----------------
    TIMEBANK_MEMBER_CREATED = "timebank.member_created"
    TIMEBANK_ACCOUNT_CREATED = "timebank.account_created"
    TIMEBANK_EXCHANGE_RECORDED = "timebank.exchange_recorded"
    TIMEBANK_EXCHANGE_CONFIRMED = "timebank.exchange_confirmed"
    TIMEBANK_EXCHANGE_DECLINED = "timebank.exchange_declined"
    TIMEBANK_EXCHANGE_REVERSED = "timebank.exchange_reversed"
    TIMEBANK_LISTING_ADDED = "timebank.listing_added"
    TIMEBANK_LISTING_MATCHED = "timebank.listing_matched"
    TIMEBANK_PACKAGE_RECORDED = "timebank.package_recorded"
    TIMEBANK_VOLUNTEER_HOURS_ISSUED = "timebank.volunteer_hours_issued"
    TIMEBANK_REPORT_VIEWED = "timebank.report_viewed"
    # --- courses: runs, enrolment from the plan, group registers, completion, moving forward ---
    COURSES_COURSE_CREATED = "courses.course_created"
    COURSES_SESSION_RESCHEDULED = "courses.session_rescheduled"
    COURSES_CO_FACILITATOR_ADDED = "courses.co_facilitator_added"
    COURSES_ENROLLED = "courses.enrolled"
    COURSES_WITHDRAWN = "courses.withdrawn"
    COURSES_REGISTER_SAVED = "courses.register_saved"
    COURSES_COURSE_COMPLETED = "courses.course_completed"
    COURSES_MOVING_FORWARD_SAVED = "courses.moving_forward_saved"
    # --- notifications: messages that left through GOV.UK Notify and their delivery receipts ---
    NOTIFICATIONS_MESSAGE_RECORDED = "notifications.message_recorded"
    NOTIFICATIONS_RECEIPT_RECORDED = "notifications.receipt_recorded"
    # --- mesh: practices' MESH mailboxes for messages back into the GP record -------------------
    MESH_MAILBOX_SET = "mesh.mailbox_set"
    MESH_MAILBOX_REMOVED = "mesh.mailbox_removed"
    # --- practice: MDT lists and meetings, practice action plans, roll-out checklists ----------
    PRACTICE_MDT_MEETING_SCHEDULED = "practice.mdt_meeting_scheduled"
    PRACTICE_MDT_PERSON_ADDED = "practice.mdt_person_added"
    PRACTICE_MDT_DISCUSSION_RECORDED = "practice.mdt_discussion_recorded"
    PRACTICE_MDT_MEETING_HELD = "practice.mdt_meeting_held"
    PRACTICE_ACTION_ADDED = "practice.action_added"
    PRACTICE_ACTION_REVIEWED = "practice.action_reviewed"
    PRACTICE_ROLLOUT_STARTED = "practice.rollout_started"
    PRACTICE_ROLLOUT_TASK_UPDATED = "practice.rollout_task_updated"
