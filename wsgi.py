"""gunicorn entry point: `gunicorn wsgi:app`."""

from coach.web import create_app

app = create_app()
