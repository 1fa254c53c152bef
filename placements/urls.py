from django.urls import path

from . import views

app_name = "placements"
urlpatterns = [
    path("", views.PlacementListView.as_view(), name="placement_list"),
    path("export.xlsx", views.placement_export, name="placement_export"),
    path("create/", views.placement_create, name="placement_create"),
    path("import/", views.placement_import, name="placement_import"),
    path("<int:pk>/", views.placement_detail, name="placement_detail"),
    path("<int:pk>/flytta/", views.placement_move, name="placement_move"),
    path("<int:pk>/avsluta/", views.placement_end, name="placement_end"),
    path("<int:pk>/pris/", views.price_period_create, name="price_period_create"),
]
