"""Migration operations shared by the apps (placements and budget import from here, never the reverse)."""

from django.db import migrations


class AddConstraintNotValid(migrations.AddConstraint):
    """AddConstraint whose CHECK is added NOT VALID on PostgreSQL: enforced for every new insert and update,
    while rows already stored outside it stay (a municipality's database may hold an intake from year 1;
    validating them would make `migrate` fail). Pages show such rows with date_window's marker.

    The state change is AddConstraint's, so the autodetector sees the same constraint as on the model."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor != "postgresql":
            schema_editor.add_constraint(model, self.constraint)
            return
        sql = self.constraint.create_sql(model, schema_editor)
        schema_editor.execute(f"{sql} NOT VALID", params=None)
