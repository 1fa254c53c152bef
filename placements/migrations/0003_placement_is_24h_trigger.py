"""Placement.is_24h mirrors its care type's heldygn flag, so the exclusion constraint
placement_no_overlapping_24h (which cannot join) sees it on every write path."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION placements_placement_is_24h() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.is_24h := (SELECT is_24h FROM placements_caretype WHERE id = NEW.care_type_id);
  RETURN NEW;
END $$;
CREATE TRIGGER placement_is_24h BEFORE INSERT OR UPDATE OF care_type_id, is_24h ON placements_placement
  FOR EACH ROW EXECUTE FUNCTION placements_placement_is_24h();
"""

BACKWARD = """
DROP TRIGGER placement_is_24h ON placements_placement;
DROP FUNCTION placements_placement_is_24h();
"""


class Migration(migrations.Migration):
    dependencies = [("placements", "0002_care_type_catalogue")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
