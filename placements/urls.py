from django.urls import path

from . import views
from .views import care as care_views
from .views import care_plans as care_plan_views
from .views import invoices as invoice_views
from .views import lilla_hjartat as lilla_hjartat_views
from .views import stability as stability_views

app_name = "placements"
urlpatterns = [
    path("", views.PlacementListView.as_view(), name="placement_list"),
    path("export.xlsx", views.placement_export, name="placement_export"),
    path("export.csv", views.placement_export, {"fmt": "csv"}, name="placement_export_csv"),
    path("create/", views.placement_create, name="placement_create"),
    path("import/", views.placement_import, name="placement_import"),
    path("<int:pk>/", views.placement_detail, name="placement_detail"),
    path("<int:pk>/flytta/", views.placement_move, name="placement_move"),
    path("<int:pk>/avsluta/", views.placement_end, name="placement_end"),
    path("<int:pk>/pris/", views.price_period_create, name="price_period_create"),
    path("<int:pk>/ersattningar/", views.payment_create, name="payment_create"),
    path("<int:pk>/villkor/", views.terms_set, name="terms_set"),
    path("<int:pk>/ersattningar/<int:payment_pk>/delete/", views.payment_delete, name="payment_delete"),
    # Följa vården (issue 16): övervägande/omprövning, contacts with the child, and the control list.
    path("<int:pk>/overvagande/", care_views.care_review_create, name="care_review_create"),
    path("<int:pk>/kontakt/", care_views.child_contact_create, name="child_contact_create"),
    path("folja-varden/", care_views.followup_list, name="followup_list"),
    # Vårdplan, genomförandeplan and the notification checklist (issue 16 points 2 and 6).
    path("<int:pk>/planer/", care_plan_views.care_plan_record, name="care_plan_record"),
    path("<int:pk>/underrattelser/", care_plan_views.notification_record, name="notification_record"),
    path("planer-och-underrattelser/", care_plan_views.plan_control_list, name="plan_control_list"),
    # Lex lilla hjärtat (issue 16 point 4): vårdnadsöverflyttning and the follow-up after LVU care.
    path("<int:pk>/vardnadsoverflyttning/", lilla_hjartat_views.custody_consideration_create,
         name="custody_consideration_create"),
    path("<int:pk>/uppfoljning-lvu/", lilla_hjartat_views.lvu_followup_finish, name="lvu_followup_finish"),
    # Stabilitet i vården (issue 16 point 5): moves and sammanbrott per unit, with the placements behind them.
    path("stabilitet/", stability_views.stability_report, name="stability_report"),
    path("stabilitet/placeringar/", stability_views.stability_placements, name="stability_placements"),
    # The controller's reference data.
    path("utforare/", views.ProviderListView.as_view(), name="provider_list"),
    path("utforare/create/", views.provider_create, name="provider_create"),
    path("utforare/<int:pk>/update/", views.provider_update, name="provider_update"),
    path("avtal/", views.AgreementListView.as_view(), name="agreement_list"),
    path("avtal/create/", views.agreement_create, name="agreement_create"),
    path("avtal/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("avtal/<int:pk>/update/", views.agreement_update, name="agreement_update"),
    path("avtal/<int:pk>/priser/create/", views.agreementprice_create, name="agreementprice_create"),
    path("avtalspriser/", views.AgreementPriceListView.as_view(), name="agreementprice_list"),
    path("avtalspriser/<int:pk>/update/", views.agreementprice_update, name="agreementprice_update"),
    # Fakturakontroll: a provider's invoice for a month beside the expected amounts.
    path("fakturakontroll/", invoice_views.InvoiceCheckListView.as_view(), name="invoicecheck_list"),
    path("fakturakontroll/create/", invoice_views.invoicecheck_create, name="invoicecheck_create"),
    path("fakturakontroll/<int:pk>/", invoice_views.invoicecheck_detail, name="invoicecheck_detail"),
    path("fakturakontroll/<int:pk>/update/", invoice_views.invoicecheck_update, name="invoicecheck_update"),
    path("fakturakontroll/<int:pk>/rader/create/", invoice_views.invoiceline_create, name="invoiceline_create"),
    path("fakturakontroll/<int:pk>/export.xlsx", invoice_views.invoicecheck_export, name="invoicecheck_export"),
]
