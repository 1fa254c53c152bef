#!/usr/bin/env python
import os
import sys

# Commands that read only the code (models, migrations) and never serve, sign or touch case data:
# they run on a bare checkout (e.g. CI's `makemigrations --check`) without the production variables.
CODE_ONLY_COMMANDS = {"makemigrations"}

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if sys.argv[1:2] and sys.argv[1] in CODE_ONLY_COMMANDS:
        os.environ["IFO_CODE_ONLY"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
