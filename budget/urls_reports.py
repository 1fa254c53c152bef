from django.urls import path

from .views import followup

urlpatterns = [
    path("uppfoljning/", followup.followup, name="followup"),
]
