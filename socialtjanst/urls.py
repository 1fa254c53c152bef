from django.contrib.auth import views as auth_views
from django.urls import include, path

from .admin import admin_site
from .views import accesslog, caseflow, cases, home

case_patterns = [
    path("personer/", cases.PersonListView.as_view(), name="person_list"),
    path("personer/export.csv", cases.person_export, name="person_export"),
    path("personer/<int:pk>/", cases.person_detail, name="person_detail"),
    path("personer/<int:pk>/update/", cases.person_update, name="person_update"),
    path("arenden/", cases.CaseListView.as_view(), name="case_list"),
    path("arenden/create/", cases.case_create, name="case_create"),
    path("arenden/<int:pk>/", cases.case_detail, name="case_detail"),
    path("arenden/<int:pk>/close/", cases.case_close, name="case_close"),
    path("att-gora/", caseflow.todo_list, name="todo"),
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
]

urlpatterns = [
    path("", home.home, name="home"),
    path("logga-in/", auth_views.LoginView.as_view(), name="login"),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin_site.urls),
    path("", include((case_patterns, "socialtjanst"))),
    # The project's URL root wires every app; placements and budget never import socialtjanst's urls.
    path("placeringar/", include("placements.urls")),
]
