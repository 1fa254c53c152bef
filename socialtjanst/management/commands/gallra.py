"""python manage.py gallra [--dry-run] [--user NAME]: the gallring of socialtjanst.retention, run here and now
(the same service the monthly Celery task runs). --dry-run prints what would go, per category, and removes
nothing."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from socialtjanst import retention


def _count(value) -> str:
    return "–" if value is None else str(value)


class Command(BaseCommand):
    help = "Gallrar det som enligt gallringsreglerna (SoL 12 kap.) ska gallras. --dry-run visar bara vad som gallras."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Visa vad som skulle gallras, ta inte bort något")
        parser.add_argument("--user", default=None, help="Användarnamnet som står i gallringsprotokollet")

    def handle(self, *args, dry_run, user, **options):
        if dry_run:
            plan = retention.retention_plan()
            self.stdout.write(f"Provkörning {plan.today.isoformat()} (inget tas bort):")
            for row in plan.rows():
                self.stdout.write(f"  {row['action']:8} {row['category']}: personakter {_count(row['personakter'])},"
                                  f" ärenden {_count(row['cases'])}"
                                  + (f", rader {row['rows']}" if "rows" in row else ""))
            return
        run_by = f"{retention.SCHEDULED_RUN_BY} (manage.py)"
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"Användaren {user} finns inte.")
            run_by = account.get_username()
        self.stdout.write(retention.retention_run(run_by=run_by).describe())
