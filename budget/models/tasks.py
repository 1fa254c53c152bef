"""What the workers record about their own runs: how often a message has been delivered, and
the tasks that finally failed, for the controller's closing page (issue 12 point 6)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TaskDelivery(models.Model):
    """One delivery count per task message and attempt, written before the task body runs and in
    its own transaction, so it survives a worker process that dies in the middle. Deleted when
    the attempt ends; a row left behind means the attempt never ended."""

    task_id = models.CharField(_("uppgiftens id"), max_length=64)
    attempt = models.PositiveIntegerField(_("försök"))
    task_name = models.CharField(_("uppgift"), max_length=200)
    deliveries = models.PositiveIntegerField(_("leveranser"), default=1)
    first_delivered_at = models.DateTimeField(_("först levererad"))

    class Meta:
        verbose_name = _("leverans av bakgrundsjobb")
        verbose_name_plural = _("leveranser av bakgrundsjobb")
        constraints = [
            models.UniqueConstraint(fields=["task_id", "attempt"], name="taskdelivery_one_per_attempt"),
        ]

    def __str__(self) -> str:
        return f"{self.task_name} {self.task_id} försök {self.attempt}: {self.deliveries}"


class TaskFailure(models.Model):
    """A background task that gave up: its retries ran out, it raised an error that is not
    transient, or its message was delivered too many times (a poison message that kills its
    worker). Resolved when the same task with the same arguments later succeeds."""

    task_name = models.CharField(_("uppgift"), max_length=200)
    task_id = models.CharField(_("uppgiftens id"), max_length=64)
    arguments = models.JSONField(_("argument"), default=dict)
    deliveries = models.PositiveIntegerField(_("leveranser"))
    error = models.TextField(_("fel"))
    failed_at = models.DateTimeField(_("misslyckades"))
    resolved_at = models.DateTimeField(_("löst"), null=True, blank=True)

    class Meta:
        ordering = ["-failed_at"]
        verbose_name = _("misslyckat bakgrundsjobb")
        verbose_name_plural = _("misslyckade bakgrundsjobb")
        constraints = [
            models.CheckConstraint(condition=Q(deliveries__gte=1), name="taskfailure_delivered"),
            models.CheckConstraint(condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=models.F("failed_at")),
                                   name="taskfailure_resolved_after_failed"),
        ]
        indexes = [models.Index(fields=["failed_at"], condition=Q(resolved_at__isnull=True),
                                name="taskfailure_open")]

    def __str__(self) -> str:
        return f"{self.task_name} {self.task_id}"
