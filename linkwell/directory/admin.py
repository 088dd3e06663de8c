"""The directory in the admin: view-only. Listings change through the directory services
(and their audit events), never through the admin's generic forms."""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin

from linkwell.accounts.admin_site import ReadOnlyModelAdmin

for _model in apps.get_app_config("directory").get_models():
    if not admin.site.is_registered(_model):
        admin.site.register(_model, ReadOnlyModelAdmin)
