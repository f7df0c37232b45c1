FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=plannit.settings.production PLANNIT_VAR_DIR=/app/var
WORKDIR /app

# WeasyPrint (invoice PDFs) lays text out with pango and needs a font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fontconfig \
    && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml requirements.lock README.md ./
COPY plannit ./plannit
COPY businesses ./businesses
COPY contacts ./contacts
COPY catalog ./catalog
COPY invoicing ./invoicing
COPY accounting ./accounting
COPY qbo_emulator ./qbo_emulator
RUN pip install -c requirements.lock .
COPY . .
# collectstatic needs settings that import; the real secrets come at run time.
RUN DJANGO_SECRET_KEY=build DJANGO_ALLOWED_HOSTS=x DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    REDIS_URL=redis://localhost QBO_CLIENT_ID=x QBO_CLIENT_SECRET=x QBO_REDIRECT_URI=x \
    QBO_TOKEN_ENCRYPTION_KEYS=ZGV2LW9ubHkta2V5LWRvLW5vdC11c2UtaW4tcHJvZA0= \
    QBO_WEBHOOK_VERIFIER_TOKEN=x python manage.py collectstatic --noinput
RUN useradd --create-home plannit && mkdir -p /app/var && chown -R plannit /app/var
USER plannit
EXPOSE 8000
CMD ["gunicorn", "plannit.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
