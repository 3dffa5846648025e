"""Development: SQLite and Celery's file-system broker by default.

DEBUG stays off unless ``DEBUG=true`` is set: with it on, a mistyped address
shows Django's debug page listing every URL pattern and no quick exit, which
is not what a person trying the service should see. Static files are served
by WhiteNoise from the app folders either way."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=False)
# `make run` loads the demo accounts (seed_demo), with DEBUG on or off.
DEMO_DATA = env.bool("DEMO_DATA", default=True)

# Serve static files straight from the app folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
