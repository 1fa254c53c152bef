"""Month names and labels a user reads (the one home; views, closing and forms take them from here)."""

import datetime

MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
          "november", "december"]


def month_label(month: datetime.date) -> str:
    """"augusti 2024"."""
    return f"{MONTHS[month.month - 1]} {month.year}"
