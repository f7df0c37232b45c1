FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=plannit.settings.production PLANNIT_VAR_DIR=/app/var
WORKDIR /app

# WeasyPrint (invoice PDFs) lays text out with pango and needs a font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fontconfig \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first (a layer kept while only the code changes). The runtime set only: the
# development tools (honcho, the test tools) stay out of the image. .dockerignore keeps .env,
# .venv/, var/ and .git out of every COPY.
COPY pyproject.toml requirements.lock README.md ./
COPY plannit ./plannit
COPY core ./core
COPY businesses ./businesses
COPY contacts ./contacts
COPY catalog ./catalog
COPY invoicing ./invoicing
COPY accounting ./accounting
COPY qbo_emulator ./qbo_emulator
RUN pip install -c requirements.lock .
COPY . .
# collectstatic imports the production settings, which refuse public or placeholder values:
# throw-away random ones are generated for this step only; the real ones come at run time.
RUN DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    QBO_TOKEN_ENCRYPTION_KEYS="$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
    DJANGO_ALLOWED_HOSTS=build.invalid DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    REDIS_URL=redis://build.invalid:6379/0 QBO_ENVIRONMENT=emulator \
    QBO_CLIENT_ID=build QBO_CLIENT_SECRET=build QBO_REDIRECT_URI=https://build.invalid/ \
    QBO_WEBHOOK_VERIFIER_TOKEN=build EMAIL_URL=smtp://build.invalid:25 \
    DEFAULT_FROM_EMAIL=build@build.invalid python manage.py collectstatic --noinput
RUN useradd --create-home plannit && mkdir -p /app/var && chown -R plannit /app/var
USER plannit
EXPOSE 8000
CMD ["gunicorn", "plannit.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
