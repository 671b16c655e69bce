"""``python -m guanxi.analytics``: the ``guanxi analyze`` command without the Django project."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
