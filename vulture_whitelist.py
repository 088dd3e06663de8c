"""Names that only a framework, a template or a settings string uses, for `vulture` (make lint).

Vulture finds definitions nothing in Python refers to. Django and DRF call these by name,
templates read them, or settings name them in strings; listing them here marks them as used.
Add a name only with the reason it is called; remove one when its definition goes.
`make lint` ignores unused variables and attributes (model and dataclass fields, settings,
admin options: read by the framework and templates) and checks functions, methods, classes and
properties.
"""

# ruff: noqa: B018, F821

# Django: model and form `Meta`, management command options, AppConfig classes and `ready`,
# form `clean_<field>` and choice labels, middleware and backends named in settings.
_.Meta
_.add_arguments
_.ready
_.clean_postcode
_.clean_run_date
_.clean_definition
_.clean_q
_.clean_on
_.clean_file
_.as_postgresql  # query expressions: Django calls as_<vendor>
_.label_from_instance
_.asks_to_confirm_postcode  # templates: show the "I have checked this postcode" box
_.instrument_titles  # templates: outcomes/schedules.html, the measures in words
_.timepoint_labels  # templates: outcomes/schedules.html, when they are taken in words
_.create_superuser  # UserManager: `createsuperuser`
_.get_help_text  # password validators
_.load_config  # gunicorn BaseApplication: `linkwell serve` (linkwell/ops)
AccountsConfig
ApiConfig
AuditConfig
CaseworkConfig
CommunityConfig
ConnectionsConfig
DemoConfig
CoreConfig
DirectoryConfig
EconomicsConfig
EvidenceConfig
MatchingConfig
OutcomesConfig
OpsConfig
PeopleConfig
PopulationConfig
PublicConfig
ReferralsConfig
ReportsConfig
WebConfig
VolunteeringConfig
TimebankConfig
GrantsConfig
CoursesConfig
CoproductionConfig
NotificationsConfig
MeshConfig
PracticeConfig
IdleTimeoutMiddleware
TwoFactorMiddleware
RequestContextMiddleware
SecurityHeadersMiddleware
RequestSizeLimitMiddleware
CharacterClassValidator
CommonPasswordVariantValidator
PersonalInformationValidator
EmailBackend
ConsoleBackend
GovukNotifyBackend  # LINKWELL_NOTIFY_BACKEND names it
check_notify_backend  # registered with Django's system checks (`check --deploy`)
_.do_POST  # http.server: the local Notify server in linkwell/notifications/tests
_.log_message  # http.server: silenced in that server
BrokenMail  # a test's EMAIL_BACKEND
_.send_messages
DisclosureControl  # carries the `reports.view_unsuppressed` permission

# Django admin: the site, its config and hooks, registered ModelAdmins and their actions.
LinkwellAdminSite
LinkwellAdminConfig
OrganisationAdmin
MembershipAdmin
UnknownEmailThrottleAdmin
_.has_module_permission
_.has_add_permission
_.save_model
_.delete_model
_.save_formset
_.two_factor
_.unlock_accounts
_.reset_two_factor

# DRF and drf-spectacular hooks.
_.select_parser
_.select_renderer
_.get_rate
_.get_cache_key
OrukSchemaExtension
_.map_serializer

# Read by templates only.
_.item_fields
_.note_fields
_.life_area_fields
_.five_way_fields
_.goal_rows
_.new_goal_rows
_.new_action_rows
_.structured
_.timepoint_label
_.day_name
_.week_name
_.mean_cost_before
_.mean_cost_after
_.postcode_flag
_.narrowed
# volunteering templates: availability rows, score bar, overdue reviews, hours.
_.day_rows
_.percent
_.review_overdue
_.year_hours
_.by_kind_hours

# pytest hooks (conftest.py).
pytest_configure
pytest_collection_modifyitems

# The demo data builders (linkwell/demo/).
status_counts

# Used by migration accounts/0005 (migrations are not scanned): encrypts secrets stored before.
is_encrypted
# schemathesis: hooks it calls by their function's name (tests/openapi_probe_hooks.py).
_.filter_failure
# coproduction templates: whether a progress table has a change column.
_.has_change
# `linkwell mesh mailbox ACTION`: the command dispatches to `_mailbox_<action>` by name.
_._mailbox_set
_._mailbox_remove
_._mailbox_list
# `linkwell timebank ACTION`: the command dispatches to `_<action>` by name.
_._account
_._transfer
_._statement
_._issue
# locust (benchmarks/load/locustfile.py): it finds the user classes in the locustfile and calls
# their @task methods itself.
LinkWorker
DirectorySearcher
ProviderStaff
PublicVisitor
_.caseload
_.home
_.open_case
_.add_note
_.inbox
# locust runs this `quitting` event listener (registered by its decorator) as it shuts down.
write_final_stats
# http.server calls a request handler's do_GET and log_message by name (the test feed server in
# linkwell/directory/tests/test_harvest.py).
_.do_GET
_.log_message
# Django loads the app's config by the dotted name in INSTALLED_APPS.
FhirConfig
# django-oauth-toolkit loads these by the dotted names in settings.OAUTH2_PROVIDER and calls
# their methods itself (linkwell/fhir/oauth.py).
ApiClientScopes
ApiClientValidator
_.get_default_scopes

# The root conftest.py (outside vulture's paths) calls these around the test database's setup
# and each test, to run the PostgreSQL pass as the application role.
enter_app_role
leave_app_role
use_owner
# PyTorch calls a module's `forward` when the module is called (benchmarks/pair_reader_experiment.py).
_.forward
