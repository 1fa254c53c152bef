from django.contrib.auth import views as auth_views
from django.urls import include, path

from .admin import admin_site
from .views import accesslog, cases, home

case_patterns = [
    path("personer/", cases.PersonListView.as_view(), name="person_list"),
    path("personer/export.csv", cases.person_export, name="person_export"),
    path("personer/<int:pk>/", cases.person_detail, name="person_detail"),
    path("personer/<int:pk>/update/", cases.person_update, name="person_update"),
    path("arenden/", cases.CaseListView.as_view(), name="case_list"),
    path("arenden/create/", cases.case_create, name="case_create"),
    path("arenden/<int:pk>/", cases.case_detail, name="case_detail"),
    path("arenden/<int:pk>/close/", cases.case_close, name="case_close"),
    path("atkomstlogg/", accesslog.AccessEventListView.as_view(), name="accessevent_list"),
    path("atkomstlogg/export.<str:fmt>", accesslog.access_event_export, name="accessevent_export"),
]

urlpatterns = [
    path("", home.home, name="home"),
    path("logga-in/", auth_views.LoginView.as_view(), name="login"),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin_site.urls),
    path("", include((case_patterns, "socialtjanst"))),
]
