"""The desk's two roles, Editor and Contributor, as groups with exact permissions."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import ValidationError
from django.db import transaction

EDITOR = "Editor"
CONTRIBUTOR = "Contributor"

# Everything editorial, including publishing and deleting.
EDITOR_PERMISSIONS = [
    f"{action}_{model}"
    for model in (
        "article",
        "quote",
        "photocaption",
        "place",
        "placealias",
        "speaker",
        "speakeralias",
        "outlet",
        "tag",
        "statement",
    )
    for action in ("add", "change", "delete", "view")
] + [
    "publish_article",
    "view_tagoperation",
    "view_tagredirect",
    # Un-rejecting a pair of quotes is deleting its rejection.
    "view_statementrejection",
    "delete_statementrejection",
]

# Add and edit drafts and tag; never publish, unpublish or delete. Publishing rights are
# checked again on every save by archive.editorial.policy, not only hidden here.
CONTRIBUTOR_PERMISSIONS = [
    f"{action}_{model}"
    for model in (
        "article",
        "quote",
        "photocaption",
        "place",
        "placealias",
        "speaker",
        "speakeralias",
        "statement",
    )
    for action in ("add", "change", "view")
] + ["view_outlet", "add_tag", "view_tag", "view_statementrejection"]

ROLES: dict[str, list[str]] = {EDITOR: EDITOR_PERMISSIONS, CONTRIBUTOR: CONTRIBUTOR_PERMISSIONS}


@dataclass
class RoleReport:
    """What roles_setup did to one group."""

    name: str
    permissions: int
    created: bool
    changed: bool


def roles_setup() -> list[RoleReport]:
    """Create or correct the Editor and Contributor groups; running it again changes nothing."""
    reports = []
    with transaction.atomic():
        for name, codenames in ROLES.items():
            permissions = list(
                Permission.objects.filter(content_type__app_label="archive", codename__in=codenames)
            )
            missing = set(codenames) - {p.codename for p in permissions}
            if missing:
                raise ValidationError(
                    f"Permissions missing ({', '.join(sorted(missing))}); run migrate first."
                )
            group, created = Group.objects.get_or_create(name=name)
            before = set(group.permissions.values_list("pk", flat=True))
            after = {p.pk for p in permissions}
            if before != after:
                group.permissions.set(permissions)
            reports.append(RoleReport(name, len(after), created, before != after and not created))
    return reports


def role_assign(username: str, role: str) -> tuple[User, bool]:
    """Give a user one role (and admin access), creating the account if needed.

    Return the user and whether the account is new; a new account has no password yet.
    """
    if role not in ROLES:
        raise ValidationError(f"Unknown role “{role}”; choose {' or '.join(ROLES)}.")
    with transaction.atomic():
        group = Group.objects.filter(name=role).first()
        if group is None:
            raise ValidationError("The roles do not exist yet; run setup_roles first.")
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_unusable_password()
        user.is_staff = True
        user.full_clean()
        user.save()
        user.groups.remove(*Group.objects.filter(name__in=ROLES).exclude(pk=group.pk))
        user.groups.add(group)
    return user, created
