"""Settings for the test suite: the ``test`` mode of guanxi.settings."""

import os

os.environ["GUANXI_MODE"] = "test"

from guanxi.settings import *  # noqa: F403

# A tiny app with one owned and one child record, for the platform's scope and audit tests.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]  # noqa: F405
