# The portal's production image: one image for web (gunicorn), worker and beat.
# Built and run by docker-compose.yml; see README.md "Production".
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=portal.settings \
    PORTAL_VAR_DIR=/data

WORKDIR /app

# Run as a user of its own, never root. /data holds uploads (outside the web root) and the
# beat schedule; a new named volume takes this ownership.
RUN groupadd --system portal \
    && useradd --system --gid portal --home-dir /app --shell /usr/sbin/nologin portal \
    && mkdir -p /data \
    && chown portal:portal /data

COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# Static files are collected into the image and served by WhiteNoise. Production settings refuse
# to load without a secret key, an encryption key and an audit key, so this step gets throwaway
# ones that exist only for the length of this command; the real ones come from the env file at
# run time.
RUN DEBUG=0 \
    SECRET_KEY="collectstatic-only-$(python -c 'import secrets; print(secrets.token_urlsafe(32))')" \
    PORTAL_ENCRYPTION_KEYS="$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
    PORTAL_AUDIT_KEYS="build:$(python -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')" \
    DATABASE_URL=sqlite:////tmp/collectstatic.sqlite3 \
    CELERY_BROKER_URL=memory://localhost/ \
    python manage.py collectstatic --noinput --verbosity 0 \
    && rm -f /tmp/collectstatic.sqlite3

USER portal
EXPOSE 8000

# Settings for gunicorn are in gunicorn.conf.py (read from the working directory).
CMD ["gunicorn", "portal.wsgi:application"]
