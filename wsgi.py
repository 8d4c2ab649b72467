"""gunicorn entry point: `gunicorn wsgi:app`.

Once the app is built, the objects it holds for the process's life (modules, SQLAlchemy's mappers, the
movement library: about 200,000) are moved out of the garbage collector's view. Otherwise every full
collection walks all of them again, stalling a webhook for about 0.1 s every few thousand requests
(`python -m bench.webhook_bench`); they are never garbage.
"""

import gc

from coach.web import create_app

app = create_app()
gc.freeze()
