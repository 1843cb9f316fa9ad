"""Role × route matrix: nobody reaches a page or an API operation their role does not allow.

The walk (`urlwalk.all_routes`) finds every route in the URLconf; `POLICY` says, explicitly,
who may reach each one. A route with no entry fails `test_every_route_has_a_policy`, so a new
page or endpoint cannot ship without someone deciding who sees it.

"Reached" means the view let the request through: a 2xx/3xx answer other than a redirect to a
login page, or a 400/409/422 (the input was judged, so the permission check was passed).
"Refused" means 401/403, a redirect to a login page, or 404 (the object is not in the user's
scope: nothing about it leaks). No answer may be a 5xx.
"""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from govhall.core.roles import Role
from tests.security.urlwalk import Route, all_routes

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
NO_ROLE = "no_role"  # logged in, in no role group (e.g. a disabled account's leftovers)
ALL_ROLES = frozenset(Role)
CENTRE_WIDE = frozenset({Role.CENTER_ADMIN, Role.LEADER, Role.INSPECTOR})
UNIT_ROLES = frozenset({Role.UNIT_LEAD, Role.WINDOW_STAFF, Role.APPROVER})
EVERYONE = frozenset({ANONYMOUS, NO_ROLE, *ALL_ROLES})
SIGNED_IN = frozenset({NO_ROLE, *ALL_ROLES})
ADMIN_ONLY = frozenset({Role.CENTER_ADMIN})
PRINCIPALS = (ANONYMOUS, NO_ROLE, *Role)


@dataclass(frozen=True)
class Access:
    """Who may reach a route. ``strict``: every allowed principal must actually reach it
    (off where reaching also depends on object permissions, as in Django's admin)."""

    allowed: frozenset
    strict: bool = True


PUBLIC = Access(EVERYONE)
# Public routes that need a valid object, token or signature to do anything: nobody is refused
# by role (the check is only "no 5xx"); citizens, kiosks, pads and the province reach them.
PUBLIC_BY_TOKEN = Access(EVERYONE, strict=False)
# Every logged-in role; the view decides further by object (own leave, own punch ...).
ANY_ROLE = Access(ALL_ROLES, strict=False)
# Any account, role or not: the view itself refuses who has no staff profile (with a message).
SELF_SERVICE = Access(SIGNED_IN, strict=False)
CENTRE_READ = Access(CENTRE_WIDE, strict=False)
ADMIN = Access(ADMIN_ONLY, strict=False)
TERMINAL = Access(frozenset({Role.CENTER_ADMIN, Role.UNIT_LEAD, Role.WINDOW_STAFF}), strict=False)
QUEUE_FIGURES = Access(
    frozenset({Role.CENTER_ADMIN, Role.UNIT_LEAD, Role.LEADER, Role.INSPECTOR}), strict=False
)
GUIDE_LINT = Access(
    frozenset({Role.CENTER_ADMIN, Role.UNIT_LEAD, Role.LEADER, Role.INSPECTOR}), strict=False
)
SCORE_ENTRY = Access(frozenset({Role.CENTER_ADMIN, Role.LEADER, Role.INSPECTOR}), strict=False)
PERFORMANCE_READ = Access(
    frozenset({Role.CENTER_ADMIN, Role.LEADER, Role.INSPECTOR, Role.UNIT_LEAD}), strict=False
)
# supervision/roles.py gives window staff the read permissions (their unit's problem list).
# cases/roles.py: the window takes cases in, the back office decides, oversight reads all.
CASE_WINDOW = Access(
    frozenset({Role.CENTER_ADMIN, Role.UNIT_LEAD, Role.WINDOW_STAFF}), strict=False
)
CASE_OVERSIGHT = Access(
    frozenset({Role.CENTER_ADMIN, Role.UNIT_LEAD, Role.INSPECTOR, Role.LEADER}), strict=False
)
SUPERVISION = Access(
    frozenset({Role.CENTER_ADMIN, Role.INSPECTOR, Role.LEADER, Role.UNIT_LEAD, Role.WINDOW_STAFF}),
    strict=False,
)


def _keys(text: str) -> list[str]:
    return text.split()


# Route key ("namespace:name", or the route text when it has no name) → Access, or
# {method: Access}. Grouped by who may reach them; read DOMAIN.md and each app's roles.py.
POLICY: dict[str, Access | dict[str, Access]] = {
    **dict.fromkeys(_keys("home healthz login logout set_language api-schema api-docs"), PUBLIC),
    # Evidence files: any role; the owning app decides per row (404 to whoever may not see it).
    "file_download": ANY_ROLE,
    # Any account's own password and second factor.
    **dict.fromkeys(_keys("password_change password_change_done second_factor"), SELF_SERVICE),
    # Citizens, kiosks, rating pads, the display board, public guides, the province's push.
    **dict.fromkeys(
        _keys(
            """queueing:kiosk queueing:appointments queueing:appointment_cancel queueing:board
            queueing:board_feed queueing:ticket_status queueing:ticket_cancel queueing:phone
            performance:lobby performance:lobby_data
            queueing-api-book queueing-api-appointment-cancel queueing-api-appointment-change
            queueing-api-appointment-check-in queueing-api-slots queueing-api-board
            queueing-api-categories queueing-api-issue queueing-api-ticket queueing-api-cancel
            catalog:guide_list catalog:guide_detail catalog:material_form catalog:material_sample
            catalog-api-departments catalog-api-items catalog-api-item catalog-api-themes
            feedback:disclosure feedback-api-disclosure feedback:rate feedback-api-rate
            feedback-api-invitation feedback:pad feedback:pad_pair feedback:pad_rate
            feedback:pad_state feedback-api-pad-pair feedback-api-pad-rate feedback-api-pad-state
            feedback:pad_skip feedback-api-pad-skip feedback:rate_ticket feedback:rate_case
            exchange-api-inbound"""
        ),
        PUBLIC_BY_TOKEN,
    ),
    # Self-service of every person in a role: own attendance, leave, punches.
    **dict.fromkeys(
        _keys(
            """attendance:me attendance-punch-self attendance-leave-request attendance-leaves
            attendance-leave
            attendance-leave-cancel attendance-leave-report-back attendance-punches
            attendance-records attendance-violations attendance-violation
            attendance-violation-appeal attendance:violation_appeal attendance-timetables
            attendance-categories attendance-duties attendance-temporary-absences
            attendance-temporary-absence-register attendance-temporary-absence-return
            attendance-assignments attendance-inspections attendance-post-absences
            attendance-stability attendance-figures-staff attendance-figures-departments
            attendance-figures-center attendance:monthly attendance:monthly_xlsx
            attendance:approvals attendance:leave_decide attendance-leave-approve
            attendance-leave-reject attendance-violation-decide attendance:violation_decide
            attendance-inspection-start attendance-inspection-finish attendance-violation-record
            attendance-punch-enter attendance-punch-void attendance-punch-import attendance:import
            attendance-duty-schedule attendance-duty-cancel attendance-assignment-change
            attendance-derive
            feedback:home feedback:evaluations feedback:evaluation feedback-api-evaluations
            feedback-api-evaluation feedback-api-appeal feedback:appeals feedback-api-appeals
            feedback-api-decide feedback:rectifications feedback:rectification
            feedback-api-rectifications feedback-api-rectification feedback:complaints
            feedback:complaint feedback-api-complaints feedback-api-complaint feedback:assists
            feedback-api-assists feedback:figures feedback-api-figures
            feedback:hotline_import feedback-api-hotline-import feedback:pad_code
            feedback-api-complaint-assign feedback-api-complaint-callback
            feedback-api-complaint-close feedback-api-complaint-resolve
            feedback-api-rectification-callback feedback-api-rectification-close
            feedback-api-rectification-rectify feedback-api-rectification-verify
            feedback-api-assist-totals feedback-api-callbacks"""
        ),
        ANY_ROLE,
    ),
    **dict.fromkeys(
        _keys("attendance:me_absence attendance:me_leave attendance:me_punch"), SELF_SERVICE
    ),
    # Cases: every role reads its scope's cases; each action checks its own permission.
    **dict.fromkeys(
        _keys(
            """cases:detail cases:act cases:receipt cases:backoffice cases-api-list cases-api-detail
            cases-api-complete cases-api-correction cases-api-deliver cases-api-refuse
            cases-api-resubmit cases-api-resume cases-api-review cases-api-revoke
            cases-api-supply cases-api-suspend cases-api-verify cases-api-withdraw
            cases-api-extend cases-api-notify"""
        ),
        ANY_ROLE,
    ),
    **dict.fromkeys(_keys("cases:accept cases-api-accept cases-api-submit"), CASE_WINDOW),
    **dict.fromkeys(
        _keys(
            """cases:supervision cases-api-supervision cases-api-figures cases:export
            cases-api-clock-figures cases-api-clock-flags"""
        ),
        CASE_OVERSIGHT,
    ),
    **dict.fromkeys(_keys("cases:import cases-api-import"), ADMIN),
    # 并联审批: the whole is read by its departments; each action checks its own permission.
    **dict.fromkeys(
        _keys(
            """cases:joint_list cases:joint_detail cases:joint_act cases-api-joint-list
            cases-api-joint-detail cases-api-joint-extend cases-api-joint-withdraw
            cases-api-joint-decide"""
        ),
        ANY_ROLE,
    ),
    **dict.fromkeys(_keys("cases:joint_accept cases-api-joint-accept"), CASE_WINDOW),
    **dict.fromkeys(_keys("cases-api-joint-figures"), CASE_OVERSIGHT),
    **dict.fromkeys(_keys("cases:lookup cases-api-lookup"), PUBLIC_BY_TOKEN),
    # Every unit sees the campaigns it is part of (the list is filtered by unit).
    **dict.fromkeys(_keys("supervision:campaigns supervision-campaigns"), ANY_ROLE),
    # The window terminal and its API.
    **dict.fromkeys(
        _keys(
            """queueing:terminal queueing:terminal_window queueing:terminal_action
            queueing:terminal_close queueing:terminal_panel queueing-api-window
            queueing-api-call-next queueing-api-finish queueing-api-no-show queueing-api-pause
            queueing-api-recall queueing-api-resume queueing-api-session-close
            queueing-api-session-open queueing-api-start queueing-api-transfer"""
        ),
        TERMINAL,
    ),
    **dict.fromkeys(
        _keys("queueing:monitor queueing:figures queueing-api-monitor queueing-api-figures"),
        QUEUE_FIGURES,
    ),
    **dict.fromkeys(_keys("catalog:lint catalog-api-lint"), GUIDE_LINT),
    # 四减 and training: every role reads (a unit's people their unit); the office organises
    # training, a unit lead also registers the unit's rotations.
    **dict.fromkeys(
        _keys("catalog:reductions training:year training:session training-year"), ANY_ROLE
    ),
    **dict.fromkeys(_keys("training:session_create training:attendance training:cancel"), ADMIN),
    **dict.fromkeys(
        _keys("training:rotation_create training:rotation_end"),
        Access(frozenset({Role.CENTER_ADMIN, Role.UNIT_LEAD}), strict=False),
    ),
    # Upstream exchange: the centre's administrators and its readers.
    **dict.fromkeys(
        _keys(
            """exchange:status exchange:province exchange-api-dead-letters exchange-api-pending
            exchange-api-ranking exchange-api-status"""
        ),
        CENTRE_READ,
    ),
    **dict.fromkeys(_keys("exchange:redrive exchange-api-redrive"), ADMIN),
    # The monthly evaluation.
    **dict.fromkeys(
        _keys(
            """performance:dashboard performance:department performance:run_detail
            performance:run_docx performance:run_xlsx performance-api-runs performance-api-run
            performance-api-rubrics"""
        ),
        PERFORMANCE_READ,
    ),
    **dict.fromkeys(
        _keys(
            """performance:compute performance-api-compute performance:publish
            performance-api-publish performance-api-rubric-new-version performance:run_text"""
        ),
        ADMIN,
    ),
    **dict.fromkeys(_keys("performance:enter_scores performance-api-scores"), SCORE_ENTRY),
    # The yearly report: the centre's office, its leaders and inspectors.
    **dict.fromkeys(
        _keys("performance:yearly performance:yearly_docx performance-api-year"), CENTRE_READ
    ),
    # Rectification campaigns: the centre runs them, units answer for their problems.
    **dict.fromkeys(
        _keys(
            """supervision:campaign supervision:census
            supervision:census_file supervision:document_upload supervision:problems
            supervision:problem_import supervision:problem_create supervision:progress_xlsx
            supervision:progress supervision:sign_off supervision:campaign_create
            supervision:problem supervision:problem_confirm supervision:problem_edit
            supervision:problem_evidence supervision:problem_fix supervision:problem_reopen
            supervision-campaign supervision-census supervision-documents
            supervision-import supervision-phase-report supervision-phases supervision-problems
            supervision-progress-xlsx supervision-progress supervision-signoff
            supervision-problem supervision-problem-confirm supervision-problem-evidence
            supervision-problem-fix supervision-problem-reopen"""
        ),
        SUPERVISION,
    ),
}

# Django's admin site: only staff accounts (the centre administrator) get past its login; what
# they may then see is each ModelAdmin's permission and scope (tested with the apps).
ADMIN_POLICY = Access(ADMIN_ONLY, strict=False)
ADMIN_SKIP = {"admin:login", "admin:logout", "admin:jsi18n"}


def checked_routes() -> list[Route]:
    routes = []
    for r in all_routes():
        if r.is_admin and (r.converters or r.key in ADMIN_SKIP or ":" not in r.key):
            continue  # object pages and redirects of the admin: covered by its changelists
        routes.append(r)
    return routes


def access_for(route: Route, method: str) -> Access | None:
    if route.is_admin:
        return ADMIN_POLICY
    entry = POLICY.get(route.key)
    if isinstance(entry, dict):
        return entry.get(method)
    return entry


def methods_to_try(route: Route) -> list[str]:
    methods = route.methods()
    if route.is_api:
        return methods
    return [methods[0]]  # a page: the method it is opened with


CASES = [(r, m) for r in checked_routes() for m in methods_to_try(r)]


def test_every_route_has_a_policy():
    missing = [f"{m.upper()} {r.key}" for r, m in CASES if access_for(r, m) is None]
    assert not missing, "routes with no entry in POLICY (decide who may reach them): " + ", ".join(
        missing
    )


def test_the_walk_sees_pages_api_and_admin():
    keys = {r.key for r, _m in CASES}
    assert {"home", "login", "api-schema", "admin:index"} <= keys


@pytest.fixture
def principals(center, department, make_user):
    users = {ANONYMOUS: None, NO_ROLE: make_user()}
    for role in Role:
        users[role] = make_user(
            role,
            department=department if role in UNIT_ROLES else None,
            is_staff=role == Role.CENTER_ADMIN,
        )
    return users


def _refused(response) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    if response.status_code in (301, 302):
        location = response.get("Location", "")
        return reverse("login") in location or reverse("admin:login") in location
    return False


def _request(client, method: str, url: str, *, page: bool):
    if method == "get":
        response = client.get(url)
        if page and response.status_code == 405:  # a form action (require_POST): post to it
            response = client.post(url, data={})
        return response
    return getattr(client, method)(url, data={}, content_type="application/json")


# Known violations, reported to the app's engineer: each fails loudly as XPASS (strict) once
# fixed, so the entry must then be removed. Key: (method, route key).
KNOWN_VIOLATIONS: dict[tuple[str, str], str] = {}


def _case_param(route: Route, method: str):
    reason = KNOWN_VIOLATIONS.get((method, route.key))
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(route, method, id=f"{method} {route.key}", marks=marks)


@pytest.mark.parametrize(("route", "method"), [_case_param(r, m) for r, m in CASES])
def test_role_matrix(client, principals, route, method):
    access = access_for(route, method)
    if access is None:
        pytest.fail(f"no policy for {method.upper()} {route.key}")
    url = route.url({})
    wrong = []
    for who in PRINCIPALS:
        client.logout()
        if principals[who] is not None:
            client.force_login(principals[who])
        response = _request(client, method, url, page=not route.is_api)
        label = getattr(who, "value", who)
        if response.status_code >= 500:
            wrong.append(f"{label}: {response.status_code}")
        elif who in access.allowed:
            if access.strict and _refused(response):
                wrong.append(f"{label} refused ({response.status_code}) but allowed")
        elif not _refused(response):
            wrong.append(f"{label} reached it ({response.status_code}) but is not allowed")
    assert not wrong, f"{method.upper()} {url}: " + "; ".join(wrong)
