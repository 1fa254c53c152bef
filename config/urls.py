from django.urls import include, path

from socialtjanst import health
from socialtjanst.admin import admin_site
from socialtjanst.forms_login import LoginForm
from socialtjanst.views import accesslog, caseflow, cases, etjanst, followup, home, reactualisation, reports, sign_in
from socialtjanst.views import case_print as case_print_views
from socialtjanst.views import control_lists as control_list_views
from socialtjanst.views import controls as control_views
from socialtjanst.views import grants as grant_views
from socialtjanst.views import indicators as indicator_views
from socialtjanst.views import journal as journal_views
from socialtjanst.views import retention as retention_views
from socialtjanst.views import statistics as statistics_views
from socialtjanst.views import todo as todo_views

case_patterns = [
    path("personer/", cases.PersonListView.as_view(), name="person_list"),
    path("personer/export.csv", cases.person_export, name="person_export"),
    path("personer/<int:pk>/", cases.person_detail, name="person_detail"),
    path("personer/<int:pk>/update/", cases.person_update, name="person_update"),
    path("arenden/", cases.CaseListView.as_view(), name="case_list"),
    path("arenden/create/", cases.case_create, name="case_create"),
    path("arenden/<int:pk>/", cases.case_detail, name="case_detail"),
    path("arenden/<int:pk>/close/", cases.case_close, name="case_close"),
    path("att-gora/", todo_views.todo_list, name="todo"),
    path("att-gora/fordela/", todo_views.case_assign, name="case_assign"),
    path("arenden/<int:pk>/ta/", todo_views.case_take, name="case_take"),
    path("arenden/<int:pk>/journal/", journal_views.journal_page, name="journal"),
    path("arenden/<int:pk>/journal/utkast/", journal_views.journal_draft_save, name="journal_draft_save"),
    path("arenden/<int:pk>/journal/utkast/kasta/", journal_views.journal_draft_discard, name="journal_draft_discard"),
    path("arenden/<int:pk>/journal/signera/", journal_views.journal_sign, name="journal_sign"),
    path("arenden/<int:pk>/utskrift/", case_print_views.case_print, name="case_print"),
    path("arenden/<int:pk>/utskrift.pdf", case_print_views.case_print_pdf, name="case_print_pdf"),
    path("anmalningar/create/", caseflow.intake_create, name="intake_create"),
    path("anmalningar/<int:pk>/", caseflow.intake_detail, name="intake_detail"),
    path("anmalningar/<int:pk>/skyddsbedomning/", caseflow.safety_assess, name="safety_assess"),
    path("anmalningar/<int:pk>/forhandsbedomning/", caseflow.screening_create, name="screening_create"),
    path("utredningar/<int:pk>/", caseflow.investigation_detail, name="investigation_detail"),
    path("utredningar/<int:pk>/forlangning/", caseflow.extension_create, name="extension_create"),
    path("utredningar/<int:pk>/barnsamtal/", caseflow.child_interview_create, name="child_interview_create"),
    path("utredningar/<int:pk>/avsluta/", caseflow.investigation_complete, name="investigation_complete"),
    path("arenden/<int:pk>/beslut/", caseflow.decision_create, name="decision_create"),
    path("beslut/<int:pk>/insats/", caseflow.intervention_create, name="intervention_create"),
    path("insatser/<int:pk>/verkstall/", caseflow.intervention_start, name="intervention_start"),
    path("insatser/<int:pk>/avsluta/", caseflow.intervention_end, name="intervention_end"),
    path("atkomstlogg/", accesslog.AccessEventListView.as_view(), name="accessevent_list"),
    path("atkomstlogg/export.<str:fmt>", accesslog.access_event_export, name="accessevent_export"),
    path("gallring/", retention_views.retention_overview, name="retention"),
    path("gallring/bevarande/", retention_views.legal_hold_set, name="legal_hold_set"),
    path("gallring/bevarande/hav/", retention_views.legal_hold_release, name="legal_hold_release"),
    path("gallring/faderskap-adoption/", retention_views.paternity_adoption_mark, name="paternity_adoption_mark"),
    path("gallring/faderskap-adoption/ta-bort/", retention_views.paternity_adoption_unmark,
         name="paternity_adoption_unmark"),
    path("behorigheter/skyddade/", grant_views.protected_identity_grants, name="protected_identity_grants"),
    path("behorigheter/skyddade/ta-bort/", grant_views.protected_identity_revoke, name="protected_identity_revoke"),
    path("uppfoljning/frister/", followup.deadline_report, name="deadline_report"),
    path("uppfoljning/frister/<slug:kind>/", followup.deadline_misses, name="deadline_misses"),
    path("uppfoljning/frister/<slug:kind>/export.<str:fmt>", followup.deadline_misses_export,
         name="deadline_misses_export"),
    path("uppfoljning/ateraktualisering/", reactualisation.reactualisation_report, name="reactualisation_report"),
    path("uppfoljning/ateraktualisering/arenden/", reactualisation.reactualisation_cases,
         name="reactualisation_cases"),
    path("uppfoljning/ivo/", followup.ivo_list, name="ivo_list"),
    path("uppfoljning/ivo/export.<str:fmt>", followup.ivo_export, name="ivo_export"),
    path("uppfoljning/kontroller/", control_views.ControlRoundListView.as_view(), name="controlround_list"),
    path("uppfoljning/kontroller/create/", control_views.controlround_create, name="controlround_create"),
    path("uppfoljning/kontroller/<int:pk>/", control_views.controlround_detail, name="controlround_detail"),
    path("uppfoljning/kontroller/utredningstider/", control_views.control_investigation_times,
         name="control_investigation_times"),
    path("uppfoljning/kontroller/barnsamtal/", control_views.control_child_interviews,
         name="control_child_interviews"),
    path("uppfoljning/kontroller/utredningstider/export.<str:fmt>", control_views.control_investigation_times_export,
         name="control_investigation_times_export"),
    path("uppfoljning/kontroller/barnsamtal/export.<str:fmt>", control_views.control_child_interviews_export,
         name="control_child_interviews_export"),
    path("uppfoljning/kontroller/stickprov/", control_views.control_sample, name="control_sample"),
    path("uppfoljning/kontroller/stickprov/export.<str:fmt>", control_views.control_sample_export,
         name="control_sample_export"),
    path("uppfoljning/kontroller/listor/<slug:key>/", control_list_views.control_list, name="control_list"),
    path("uppfoljning/kontroller/listor/<slug:key>/export.<str:fmt>", control_list_views.control_list_export,
         name="control_list_export"),
    path("uppfoljning/anmalningar/", statistics_views.intake_statistics_page, name="intake_statistics"),
    path("indikatorer/", indicator_views.indicator_list, name="indicator_list"),
    path("indikatorer/create/", indicator_views.indicator_create, name="indicator_create"),
    path("indikatorer/uppdatera/", indicator_views.indicator_refresh, name="indicator_refresh"),
    path("indikatorer/<int:pk>/", indicator_views.indicator_detail, name="indicator_detail"),
    path("indikatorer/<int:pk>/update/", indicator_views.indicator_update, name="indicator_update"),
    path("indikatorer/<int:pk>/varden/", indicator_views.indicator_value_set, name="indicator_value_set"),
    path("indikatorer/<int:pk>/kommentarer/", indicator_views.indicator_comment_add, name="indicator_comment_add"),
]

urlpatterns = [
    path("", home.home, name="home"),
    path("logga-in/", sign_in.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("logga-ut/", sign_in.logout_view, name="logout"),
    path("logga-in/idp/", sign_in.OIDCLoginView.as_view(), name="oidc_login"),
    path("logga-in/idp/svar/", sign_in.OIDCCallbackView.as_view(), name="oidc_callback"),
    path("logga-in/kod/", sign_in.two_factor_verify, name="two_factor_verify"),
    path("logga-in/tvafaktor/", sign_in.two_factor_enrol, name="two_factor_enrol"),
    path("admin/", admin_site.urls),
    path("api/e-tjanst/orosanmalningar/", etjanst.intake_create, name="api_etjanst_intake"),
    path("api/openapi.json", etjanst.openapi, name="api_openapi"),
    # Liveness and readiness, JSON, without a session (socialtjanst.health; settings.HEALTH_PATHS).
    path("halsa/live", health.live, name="health_live"),
    path("halsa/redo", health.ready, name="health_ready"),
    path("rapporter/", reports.report_index, name="report_index"),
    path("rapporter/<slug:name>/", reports.report_page, name="report_page"),
    path("rapporter/<slug:name>/export.<str:fmt>", reports.report_export, name="report_export"),
    path("", include((case_patterns, "socialtjanst"))),
    # The project's URL root wires every app; placements and budget never import socialtjanst's urls.
    path("placeringar/", include("placements.urls")),
    path("budget/", include("budget.urls")),
]

# A database outage anywhere (middleware included) is a Swedish 503, anything else a Swedish 500;
# 400, 403 and 404 use Django's handlers with the Swedish templates in templates/.
handler500 = "socialtjanst.views.errors.server_error"
