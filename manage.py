#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys
from pathlib import Path


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    configured = os.environ.get("DJANGO_SECRET_KEY") or "DJANGO_DEBUG" in os.environ
    if not configured and not (Path(__file__).resolve().parent / ".env").is_file():
        # Local command-line use (makemigrations, shell, seed_demo) works out of the box;
        # serving through wsgi/asgi still refuses to start without a real secret.
        os.environ["DJANGO_DEBUG"] = "true"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
