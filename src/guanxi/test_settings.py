"""Settings for the test suite: the ``test`` mode of guanxi.settings."""

import os

os.environ["GUANXI_MODE"] = "test"

from guanxi.settings import *  # noqa: E402, F403
